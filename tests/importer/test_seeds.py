"""Importing the real seed documents: known sections come out with their exact steps and phrases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.commands.import_ import import_document, report
from tests.conftest import made_once, run_cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, imp) -> dict[str, tuple[Imported, Path]]:
    """Each seed imported once per run with the real CLI (shared by the test workers); maps prefix ->
    (the run, its out dir)."""
    def import_all(root: Path) -> None:
        for path in sorted(imp.SEEDS.glob("*.txt")):
            run = run_cli("import", str(path), "--out", str(root / path.name[:3] / "out"), timeout=300)
            (root / path.name[:3] / "run.json").write_text(json.dumps(vars(run)), encoding="utf-8")

    root = made_once(tmp_path_factory, "imported-seeds", import_all)
    runs = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        runs[folder.name] = (Imported(run["code"], run["out"], run["err"]), folder / "out")
    return runs


@dataclass(frozen=True)
class Imported:
    returncode: int
    stdout: str
    stderr: str


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
@pytest.mark.slow
def test_every_seed_imports_and_passes_check(imported, prefix: str, cli) -> None:
    proc, out = imported[prefix]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert list((out / "procedures").glob("*.yaml")), "at least one procedure"
    check = cli("check", "--content", str(out))
    assert check.code == 0, check.err + check.out
    assert "0 个错误" in check.err or not check.err.strip()


SALES_OFFICE_STEPS = [
    "客户推开售楼处大门服务即开始", "销售人员迎客、问好、自我介绍", "介绍展板内容", "请客户入座,讲解楼书资料",
    "带客户看房", "替客户设计购买方案", "作好客户登记", "礼貌送客至销售中心大门口",
    "如客户表达认购意向,则可以收取预定款性质的费用开据收据", "签订认购合同", "提醒客户交首期款(房款)",
    "签订商品房买卖合同", "通知办理按揭", "协助办理入住手续", "随时向客户提供房地产市场信息",
]


def test_sales_office_reception_has_its_15_steps_and_phrases(imported, imp) -> None:
    procs, phrases = imp.load_dir(imported["000"][1])
    proc = procs["客户接待管理"]
    steps = proc["steps"]
    assert [s["title"] for s in steps] == SALES_OFFICE_STEPS
    assert proc["domain"] == "imported" and proc["source"] == imp.seed("000").name
    # quoted speech and "使用规范用语:…" become phrases of their step, with the step as `when`
    assert imp.step_phrases(steps[3], phrases) == ["请那边入座,让我给您详细介绍好吗"]
    assert imp.step_phrases(steps[4], phrases) == ["请随我来或请往这边走"]
    assert imp.step_phrases(steps[7], phrases) == ["再见,欢迎再来!"]
    assert imp.step_phrases(steps[1], phrases) == ["您好!欢迎看房。我是某某某(讲清自已的名字)。"]
    by_text = {p["text"]: p for p in phrases.values()}
    assert by_text["请那边入座,让我给您详细介绍好吗"]["when"] == "请客户入座,讲解楼书资料"
    # the rest of the sentence stays as the rule it is
    assert steps[3]["must"] == ["一定使用规范用语"]
    assert steps[4]["never"] == ["不得诋毁别的楼盘"]
    assert "一定亲自带客户看房" in steps[4]["must"]
    assert steps[6]["never"] == ["客房执意不留电话,不得勉强"]
    # time and number limits become timing facts
    assert steps[12]["timing"] == ["提前三天第一次通知客户", "提前一天第二次提醒客户"]
    assert steps[7]["timing"] == ["目送客户走出五米外"]
    # sub-items are points, glued numbering (1)…(2) split apart
    assert steps[0]["points"] == ["客户推开大门是我们服务的开始", "从此他就是我们的终身客户"]


REPAIR_FRONT_DESK_STEPS = [
    "接待准备", "迎接顾客", "环车检查", "现场问诊", "故障确认", "核实顾客、车辆信息", "确认备品供应情况",
    "估算备品/工时费用", "预估完工时间", "制作任务委托书", "安排顾客休息",
]


def test_repair_front_desk_flow_has_its_11_steps(imported, imp) -> None:
    procs, _ = imp.load_dir(imported["000"][1])
    # "汽车维修前台接待流程是什么 篇31、 接待准备": the heading and its first item are glued together
    proc = procs["汽车维修前台接待流程是什么 篇3"]
    assert [s["title"] for s in proc["steps"]] == REPAIR_FRONT_DESK_STEPS
    assert proc["steps"][0]["points"] == [
        "服务顾问按规范要求检查自己的仪容、仪表", "准备好必要的接车单以及接车板、5 件套(预约的准备好预约板)", "环境维护及清洁"]
    assert proc["steps"][3]["points"] == ["了解顾客关心的问题,询问顾客的来意,仔细倾听顾客的要求及对车辆故障的描述"]


AFTER_SALES_STEPS = ["预约", "接待", "咨询", "派工", "诊断", "客户认可追加项目", "维修", "质检", "交车", "跟踪"]


def test_after_sales_service_flow_has_its_10_steps(imported, imp) -> None:
    procs, phrases = imp.load_dir(imported["001"][1])
    proc = procs["服务流程及要点"]
    steps = proc["steps"]
    assert [s["title"] for s in steps] == AFTER_SALES_STEPS
    assert [s["title"] for s in steps if s.get("internal")] == ["派工", "诊断", "维修", "质检"]
    # the quoted customer words under 实际表现差距 are expectations, not staff phrases
    assert steps[2]["expectations"] == ["我希望有人能仔细倾听我的描述,并了解我目前所面临的问题",
                                        "我想知道这究竟需要多少钱,以及为什么这是物超所值的"]
    assert steps[2]["keywords"] == ["消除客户的疑虑"]
    assert "“维修工单”必须让客户过目,确认所要执行的工作,以消除客户的疑虑" in steps[2]["must"]
    assert steps[9]["timing"] == ["服务接待应在交车后两天之内与客户联系"]
    assert steps[8]["must"] == ["服务接待必须在约定的日期和时间交车,万一有延误,必须提前和客户联系"]
    assert not any(s.get("phrases") for s in steps)


def test_sales_flow_in_seed_001_nests_under_its_chinese_numbered_heading(imported, imp) -> None:
    procs, _ = imp.load_dir(imported["001"][1])
    # "(一)销售流程" under the unnumbered heading "销售业务流程及要点" (line 213)
    titles = [s["title"] for s in procs["销售流程@214"]["steps"]]
    assert titles == ["客户开发", "接待", "咨询", "产品介绍", "试车", "协商", "成交", "交车", "跟踪"]
    # "一、销售流程1. 客户获取销售的第一步…": a list glued to its Chinese-numbered heading
    assert len(procs["销售流程@8"]["steps"]) == 6


def test_traditional_seed_is_converted_and_says_so(imported, imp) -> None:
    proc, out = imported["003"]
    assert "繁体" in proc.stdout and "OpenCC" in proc.stdout
    procs, _ = imp.load_dir(out)
    assert "售后服务工作规定" in procs
    text = "".join(f.read_text(encoding="utf-8") for f in sorted(out.rglob("*.yaml")))
    for traditional in "後務規與車聯":
        assert traditional not in text


def test_report_names_what_became_what_and_every_unplaced_line(imported) -> None:
    proc, _ = imported["000"]
    out = proc.stdout
    assert "第 3 行「客户接待管理」→ procedures/ke-hu-jie-dai-guan-li.yaml：15 个步骤" in out
    assert "第 79 行: 客人来访时应如何接待" in out
    assert "第 80 行: 有客人来访" in out


def test_web_clutter_and_duplicates_are_dropped(imported, imp) -> None:
    proc, out = imported["002"]
    assert "丢弃网页杂质 3 行" in proc.stdout and "第 1–2, 120 行" in proc.stdout
    assert "重复段落只导入一次" in proc.stdout and "第 6" in proc.stdout  # the title printed twice
    text = "".join(f.read_text(encoding="utf-8") for f in sorted(out.rglob("*.yaml")))
    assert "文档库" not in text and "最新最全的文档下载" not in text
    proc1, out1 = imported["001"]
    text1 = "".join(f.read_text(encoding="utf-8") for f in sorted(out1.rglob("*.yaml")))
    assert "格式:doc" not in text1 and "大小:27.50 KB" not in text1
    # seed 000 repeats its 22-point list inside one long line: imported once
    procs, _ = imp.load_dir(imported["000"][1])
    all_points = [p for pr in procs.values() for s in pr["steps"] for p in s.get("points", [])]
    assert sum("始终保持微笑服务" in p or "始终保持微笑服务" in p for p in all_points) <= 1


def test_same_input_gives_identical_bytes(tmp_path: Path, imp) -> None:
    a = import_document(imp.seed("000"))
    b = import_document(imp.seed("000"))
    assert a.files == b.files
    assert report(a, tmp_path) == report(b, tmp_path)
