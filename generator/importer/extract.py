"""From the outline tree to procedures: steps, points, 规范用语, must / never rules, timing facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Procedure
from .ids import IdAllocator
from .outline import HEADING_CLASS, Node

DOMAIN_ID = "imported"
_RULES_TITLE = re.compile(r"原则|注意事项|规定|制度|职责|须知|守则|要求|礼仪|技巧|方法|要点")
_HAS_KIND = "kind" in Procedure.model_fields

# ---- sentence-level patterns ---------------------------------------------------------------------

NEVER = re.compile(r"不得|不要|严禁|切忌|切勿|禁止|不准|不许|绝不|决不|千万不|不可(?!能|或缺|忽视|思议|少|避免)")
MUST = re.compile(r"必须|务必|必需|(?<![有在])一定(?!的|程度|量|规模|比例|范围|条件|时期|阶段|意义|基础|原则|数量|关系)")

_NUM = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千几半]+)"
_TUNIT = r"(?:个?小时|分钟|秒钟?|天|日|周|星期|个?月|年|公里|米)"
_CUNIT = r"(?:人|次|台|个|遍|辆|套|件|家|位|条|元|万元?)"
TIMING = re.compile("|".join((
    rf"提前{_NUM}?{_TUNIT}",
    rf"{_NUM}{_TUNIT}(?:之内|以内|内|之前|以前|前|之后|以后|后|以上|以下|左右|外|为止)",
    rf"{_NUM}{_CUNIT}(?:以上|以下|以内|之内|左右)",
    rf"(?:至少|最少|不少于|不超过|不低于|不高于|不多于|超过|低于|少于|最多|最长|最短|每隔)\D{{0,3}}?{_NUM}\s*(?:{_TUNIT}|{_CUNIT}|[%％])",
    rf"\d+\s*[—\-~～至到]\s*\d+\s*{_TUNIT}",
    r"\d+(?:\.\d+)?\s*[%％]",
)))

_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:关键词|关键字)\s*[:：]\s*"), "keywords"),
    (re.compile(r"^(?:好处|益处)\s*[:：]\s*"), "benefits"),
    (re.compile(r"^(?:实际表现差距\s*[:：]\s*)?客户期望\s*[:：]?\s*"), "expectations"),
    (re.compile(r"^实际表现差距\s*[:：]\s*"), "expectations"),
    (re.compile(r"^(?:关键行为|具体做法|做法)\s*[:：]\s*"), "points"),
]
# 使用规范用语:请随我来或请往这边走;  问候、自我介绍用语一定使用规范:您好!…
_COLON_PHRASE = re.compile(
    r"(?:规范用语|标准用语|礼貌用语|问候语|用语[^:：，,。;；“”\"]{0,8}|可以说|应该说|要说|应说)\s*[:：]\s*"
    r"(?![“\"「『])([^;；]{2,})")
_BARE_LEAD = re.compile(r"^(?:请|要|应)?(?:使用|用)?(?:规范|标准|礼貌)?用语$|^(?:可以|应该|要|应)?说$")
_QUOTE = re.compile(r"“([^“”]{1,150})”|「([^「」]{1,150})」|『([^『』]{1,150})』|\"([^\"]{1,150})\"|”([^“”]{1,150})“")
_SPEECH_WORDS = re.compile(r"您|你|我|请|欢迎|谢谢|再见|好吗|吗|呢|吧|[!！?？]|。$")
_SPEECH_BEFORE = re.compile(r"(?:说|道|问|答|讲|喊|用语|问候|招呼|回答|[:：])\s*$")
_TRIM = "。.;；，,、:： \t"
_DANGLING = re.compile(r"(?:[,，]?(?:可以说|应该说|说|例如|比如|如|或者|或))+$")
_SPLIT = re.compile(r"[,，;；]")


def _trim(s: str) -> str:
    s = s.strip().strip(_TRIM)
    s = _DANGLING.sub("", s).strip(_TRIM)
    return s


def sentences(text: str) -> list[str]:
    """Split at 。！？；; outside quotes and brackets; trailing punctuation kept."""
    out, buf, depth = [], [], 0
    for ch in text:
        buf.append(ch)
        if ch in "“「『（(":
            depth += 1
        elif ch in "”」』）)":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "。！？!?；;":
            out.append("".join(buf))
            buf = []
    if buf:
        out.append("".join(buf))
    return [s.strip() for s in out if s.strip()]


def _is_speech(quoted: str, before: str) -> bool:
    if len(quoted.strip()) < 2:
        return False
    return bool(_SPEECH_WORDS.search(quoted) or _SPEECH_BEFORE.search(before[-6:]))


@dataclass
class Facts:
    points: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    must: list[str] = field(default_factory=list)
    never: list[str] = field(default_factory=list)
    timing: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    benefits: list[str] = field(default_factory=list)
    expectations: list[str] = field(default_factory=list)
    internal: bool = False

    def add(self, kind: str, value: str) -> None:
        value = value.strip()
        target: list[str] = getattr(self, kind)
        if value and value not in target:
            target.append(value)


def timing_facts(sentence: str) -> list[str]:
    """The clauses of a sentence that state a time or number limit (提前三天第一次通知客户)."""
    facts = []
    for m in TIMING.finditer(sentence):
        if m.start() > 0 and sentence[m.start() - 1] == "第":
            continue
        left = max((sentence.rfind(c, 0, m.start()) for c in ",，;；。"), default=-1)
        right = min((i for i in (sentence.find(c, m.end()) for c in ",，;；。") if i >= 0), default=len(sentence))
        clause = _trim(sentence[left + 1:right])
        if clause and clause not in facts:
            facts.append(clause)
    return facts


def classify(sentence: str, facts: Facts) -> None:
    s = _trim(sentence)
    if len(s) < 2:
        return
    timing = timing_facts(s)
    for t in timing:
        facts.add("timing", t)
    if NEVER.search(s):
        facts.add("never", s)
    elif MUST.search(s):
        facts.add("must", s)
    elif not (len(timing) == 1 and timing[0] == s):
        facts.add("points", s)


def analyse(text: str, facts: Facts) -> None:
    """Everything one paragraph or sub-item says, sorted into the step's lists."""
    text = text.strip()
    if not text:
        return
    if "内部流程" in text:
        facts.internal = True
        if _trim(text) == "内部流程":
            return
    kind = "points"
    for rx, k in _LABELS:
        m = rx.match(text)
        if m:
            kind, text = k, text[m.end():]
            break
    if kind == "keywords":
        for word in re.split(r"[、,，;；。]", text):
            facts.add("keywords", _trim(word))
        return
    # 规范用语 written after a colon, without quotes
    m = _COLON_PHRASE.search(text)
    if m and kind == "points":
        facts.add("phrases", m.group(1).strip().rstrip(";；,，"))
        lead = _trim(text[:m.start(1)])
        # "使用规范用语:…" says nothing beyond the phrase itself; "…一定使用规范:…" is a rule
        text = ("" if _BARE_LEAD.match(lead) else text[:m.start(1)]) + text[m.end(1):]
    # quoted speech
    rest, pos = [], 0
    for q in _QUOTE.finditer(text):
        quoted = next(g for g in q.groups() if g is not None).strip()
        if kind == "expectations":
            facts.add("expectations", quoted)
        elif _is_speech(quoted, text[:q.start()]):
            facts.add("phrases", quoted)
        else:
            continue
        rest.append(text[pos:q.start()])
        pos = q.end()
    rest.append(text[pos:])
    remainder = "".join(rest)
    if kind == "expectations":
        if not _QUOTE.search(text) and _trim(remainder):
            facts.add("expectations", _trim(remainder))
        return
    for s in sentences(remainder):
        if kind == "benefits":
            if _trim(s):
                facts.add("benefits", _trim(s))
        else:
            classify(s, facts)


# ---- titles --------------------------------------------------------------------------------------

TITLE_MAX = 40
_COLON = re.compile(r"[:：]")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_SPACE_TITLE = re.compile(r"^([\u4e00-\u9fff/、]{2,15}) (?=[\u4e00-\u9fff])")


def split_title(text: str) -> tuple[str, str]:
    """`客户获取:销售的第一步…` -> (客户获取, 销售的第一步…). The rest is analysed as points."""
    text = text.strip()
    for k in range(2, 16):  # "销售流程销售流程是指…": a heading glued to a paragraph that repeats it
        if len(text) > 2 * k and text[k:].startswith(text[:k]) and _HAN.fullmatch(text[:k]):
            return text[:k], text[k:]
    m = _COLON.search(text)
    if m and 2 <= m.start() <= 20 and not re.search(r"[“\"「(（]", text[:m.start()]):
        return _trim(text[:m.start()]), text[m.end():].strip()
    m = _SPACE_TITLE.match(text)
    if m:
        return m.group(1), text[m.end():].strip()
    sents = sentences(text)
    first = sents[0] if sents else text
    if len(_trim(first)) <= TITLE_MAX:
        return _trim(first) or text, text[len(first):].strip()
    clause = _SPLIT.split(first, maxsplit=1)[0]
    if 2 <= len(_trim(clause)) <= TITLE_MAX:
        return _trim(clause), text[len(clause):].strip().lstrip(",，;；")
    return _trim(first)[:TITLE_MAX] + "…", text


# ---- procedures ----------------------------------------------------------------------------------

@dataclass
class Draft:
    """A procedure ready to be written, plus what the report says about it."""

    id: str
    data: dict
    line: int
    nos: set[int]


@dataclass
class Result:
    procedures: list[Draft] = field(default_factory=list)
    phrases: list[dict] = field(default_factory=list)
    placed: set[int] = field(default_factory=set)


def _is_heading_class(node: Node) -> bool:
    return node.style in HEADING_CLASS


def _nos(node: Node) -> set[int]:
    return {n for x in node.walk() if x.item for n in x.item.nos}


def _runs(kids: list[Node]) -> list[list[Node]]:
    runs: list[list[Node]] = [[]]
    for k in kids:
        cur = runs[-1]
        if cur and k.item and (k.style != cur[0].style or (k.item.num == 1 and cur[-1].item.num >= 1)):
            runs.append([k])
        else:
            cur.append(k)
    return runs


class Extractor:
    def __init__(self, source: str, ids: IdAllocator) -> None:
        self.source = source
        self.ids = ids
        self.result = Result()
        self._phrase_ids: dict[str, str] = {}

    def run(self, root: Node) -> Result:
        self._walk(root)
        return self.result

    def _walk(self, node: Node) -> None:
        kids = node.structural()
        if node.item is not None and len(kids) >= 2:
            big = [c for c in kids if _is_heading_class(c) and len(c.structural()) >= 2]
            if len(big) < 2:
                self._procedures(node, kids)
                return
        for c in node.children:
            self._walk(c)

    def _procedures(self, node: Node, kids: list[Node]) -> None:
        assert node.item is not None
        title, rest = (node.item.text.strip(_TRIM), "") if node.style == "heading" else split_title(node.item.text)
        first = kids[0]
        preamble = [c for c in node.children if not c.style and node.children.index(c) < node.children.index(first)]
        later = [c for c in node.children if not c.style and c not in preamble]
        runs = []
        for r in _runs(kids):
            if len(r) >= 2:
                runs.append(r)
            else:  # a lone item of another style may still hold a procedure of its own
                for lone in r:
                    self._walk(lone)
        for k, run in enumerate(runs, start=1):
            proc_title = title if k == 1 else f"{title}（{k}）"
            pid = self.ids.take(proc_title, "procedure")
            facts = Facts()
            summary = ""
            nos = set(node.item.nos)
            if k == 1:
                if rest:
                    analyse(rest, facts)
                for c in preamble + later:
                    nos |= _nos(c)
                    text = c.item.text if c.item else ""
                    if not summary and text.endswith((":", "：")) and len(text) <= 60:
                        summary = _trim(text)
                    else:
                        analyse(text, facts)
            steps = []
            for s in run:
                nos |= _nos(s)
                steps.append(self._step(s))
            data: dict = {"id": pid, "title": proc_title}
            if summary:
                data["summary"] = summary
            data["domain"] = DOMAIN_ID
            data["source"] = self.source
            if _RULES_TITLE.search(proc_title) and "流程" not in proc_title and _HAS_KIND:
                data["kind"] = "rules"  # principles / regulations: no order to quiz
            data["steps"] = steps
            for key in ("must", "never"):
                if getattr(facts, key):
                    data[key] = getattr(facts, key)
            notes = facts.points + facts.timing + facts.benefits
            if notes:
                data["notes"] = notes
            self.result.procedures.append(Draft(pid, data, node.item.no, nos))
            self.result.placed |= nos

    def _step(self, node: Node) -> dict:
        assert node.item is not None
        if node.style == "heading":
            title, rest = node.item.text.strip(_TRIM), ""
        else:
            title, rest = split_title(node.item.text)
        facts = Facts()
        if rest:
            analyse(rest, facts)
        for d in node.walk():
            if d is node or d.item is None:
                continue
            analyse(d.item.text, facts)
        step: dict = {"title": title}
        if facts.points:
            step["points"] = facts.points
        if facts.phrases:
            step["phrases"] = [self._phrase(p, title) for p in facts.phrases]
            step["phrases"] = list(dict.fromkeys(step["phrases"]))
        for key in ("must", "never", "timing", "keywords", "benefits", "expectations"):
            if getattr(facts, key):
                step[key] = getattr(facts, key)
        if facts.internal:
            step["internal"] = True
        return step

    def _phrase(self, text: str, when: str) -> str:
        if text in self._phrase_ids:
            return self._phrase_ids[text]
        pid = self.ids.take(text, "phrase")
        self._phrase_ids[text] = pid
        self.result.phrases.append({"id": pid, "text": text, "when": when, "source": self.source})
        return pid
