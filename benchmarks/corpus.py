"""A synthetic but valid content/ folder of any size, for benchmarks (seeded, so reproducible).

    from benchmarks.corpus import write_corpus
    write_corpus(Path("/tmp/c/content"), n_procedures=1000)

Writes roles.yaml, domains.yaml, glossary/, phrases/ (one list file per 50 procedures),
scenarios/ (one list file per 50 procedures) and procedures/<id>.yaml, each procedure with
5-9 steps, points, timing, must/never rules and phrase references. `playbook check` passes on it.
"""

from __future__ import annotations

import random
from pathlib import Path

ROLES = [("property-consultant", "置业顾问"), ("service-advisor", "服务顾问"), ("receptionist", "前台接待"),
         ("follow-up-specialist", "回访专员"), ("store-manager", "店长")]
DOMAINS = [("sales-office", "售楼处"), ("car-sales", "汽车销售"), ("after-sales", "售后/维修接待"),
           ("customer-care", "客户维护")]
# Words of the shipped content's kind. Clauses join 2-3 of them, so a clause recurs about as often as
# in real SOP text (about a third of the Chinese text repeats a clause seen before, as in content/).
WORDS = ("客户 接待 微笑 问好 引导 介绍 样板房 资料 登记 电话 回访 预约 车辆 检查 工单 交车 结算 感谢 送别 "
         "记录 确认 说明 等候 茶水 休息区 报价 合同 签约 付款 发票 保养 维修 质检 清洗 提醒 "
         "售楼处 置业顾问 楼书 户型 首付 按揭 贷款 认购 定金 收据 房款 入住 物业 交房 钥匙 业主 "
         "展厅 试驾 车型 配置 上牌 保险 精品 贴膜 装潢 新车 二手车 置换 金融 方案 优惠 库存 "
         "服务顾问 环车 三件套 里程 油量 故障 诊断 配件 工时 派工 车间 技师 增项 延时 洗车 复检 "
         "投诉 抱怨 道歉 安抚 补偿 升级 处理 回复 跟进 满意度 建议 反馈 原因 结果 "
         "主动 及时 耐心 礼貌 热情 专业 准确 清楚 仔细 规范 统一 完整 当面 书面 每天 每周 "
         "微信 短信 邮件 档案 系统 表格 签字 核对 打印 复印 保管 交接 通知 告知 解释 演示 "
         "门口 前台 洽谈区 停车场 工位 收银台 客户休息区 儿童区 饮水机 座椅 雨伞 鞋套 名片").split()
BATCH = 50  # procedures per phrases / scenarios list file


def _sentence(rng: random.Random, n: int = 6) -> str:
    return "，".join("".join(rng.choice(WORDS) for _ in range(rng.randint(2, 3))) for _ in range(max(1, n // 2))) + "。"


def _q(text: str) -> str:
    """Double-quoted YAML scalar (the text has no quotes or backslashes)."""
    return f'"{text}"'


def write_corpus(root: Path, n_procedures: int, seed: int = 0) -> Path:
    """Write a valid content folder with ``n_procedures`` procedures under ``root``; returns root."""
    rng = random.Random(seed)
    for sub in ("procedures", "phrases", "scenarios", "glossary"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "roles.yaml").write_text("".join(
        f"- id: {rid}\n  name: {name}\n  description: {_q(_sentence(rng))}\n" for rid, name in ROLES), encoding="utf-8")
    (root / "domains.yaml").write_text("".join(
        f"- id: {did}\n  name: {name}\n  description: {_q(_sentence(rng))}\n" for did, name in DOMAINS),
        encoding="utf-8")
    (root / "glossary" / "terms.yaml").write_text("".join(
        f"- term: 术语{i}\n  full: Term {i}\n  definition: {_q(_sentence(rng))}\n  source: corpus\n" for i in range(40)),
        encoding="utf-8")
    for batch_start in range(0, n_procedures, BATCH):
        batch = range(batch_start, min(batch_start + BATCH, n_procedures))
        phrases, scenarios = [], []
        for p in batch:
            for k in range(3):
                text = _sentence(rng, 8)
                phrases.append(
                    f"- id: phrase-{p}-{k}\n  text: {_q(text)}\n  when: {_q(_sentence(rng, 4))}\n"
                    f"  roles: [{rng.choice(ROLES)[0]}]\n  avoid: [{_q(_sentence(rng, 4))}]\n"
                    f"  blanks: [{_q(text[:2])}]\n  source: corpus\n")
            right = rng.randrange(4)
            options = "".join(
                f"    - text: {_q(f'做法{o}：' + _sentence(rng, 4))}\n" + ("      correct: true\n" if o == right else "")
                + f"      why: {_q(_sentence(rng, 4))}\n" for o in range(4))
            scenarios.append(
                f"- id: scenario-{p}\n  title: {_q(f'情景{p}')}\n  situation: {_q(_sentence(rng, 10))}\n"
                f"  question: 你应该怎么做？\n  options:\n{options}  procedures: [procedure-{p}]\n  source: corpus\n")
            steps = []
            for s in range(rng.randint(5, 9)):
                step = f"  - title: {_q(f'第{s + 1}步：' + _sentence(rng, 4))}\n    points:\n"
                step += "".join(f"      - {_q(_sentence(rng))}\n" for _ in range(rng.randint(1, 4)))
                if s < 3:
                    step += f"    phrases: [phrase-{p}-{s}]\n"
                if rng.random() < 0.4:
                    step += f"    timing: [{_q(f'提前{rng.randint(1, 7)}天通知客户')}]\n"
                if rng.random() < 0.3:
                    step += f"    must: [{_q(_sentence(rng, 4))}]\n    never: [{_q(_sentence(rng, 4))}]\n"
                if rng.random() < 0.5:
                    step += f"    why: {_q(_sentence(rng))}\n"
                steps.append(step)
            related = f"related: [procedure-{p - 1}]\n" if p else ""
            (root / "procedures" / f"procedure-{p}.yaml").write_text(
                f"id: procedure-{p}\ntitle: {_q(f'流程{p}')}\nsummary: {_q(_sentence(rng))}\n"
                f"domain: {rng.choice(DOMAINS)[0]}\nroles: [{rng.choice(ROLES)[0]}]\ntags: [标签{p % 7}]\n"
                f"source: corpus\n{related}steps:\n" + "".join(steps), encoding="utf-8")
        (root / "phrases" / f"batch-{batch_start // BATCH:04d}.yaml").write_text("".join(phrases), encoding="utf-8")
        (root / "scenarios" / f"batch-{batch_start // BATCH:04d}.yaml").write_text("".join(scenarios),
                                                                                  encoding="utf-8")
    return root
