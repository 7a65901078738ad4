"""The content model: one typed class per content kind, one description per field.

These classes are the single source of truth: validation, the JSON Schema shipped for
editors (``generator/schemas``), the handbook, quizzes and checklists all read them.
Field descriptions are Chinese because authors see them as editor tooltips.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, str_strip_whitespace=False)


class InlinePhrase(_Model):
    """A 规范用语 written directly inside a step instead of referring to a phrase id."""

    text: Text = Field(description="规范用语原文（逐字照说）")
    when: str = Field("", description="什么情况下说（不写则取步骤标题）")


def _phrase_use_kind(value: object) -> str:
    return "ref" if isinstance(value, str) else "inline"


PhraseUse = Annotated[
    Annotated[Slug, Tag("ref")] | Annotated[InlinePhrase, Tag("inline")],
    Discriminator(_phrase_use_kind),
]


class Step(_Model):
    """One step of a procedure."""

    title: Text = Field(description="步骤标题，例如“礼貌送客至销售中心大门口”")
    points: list[Text] = Field(default_factory=list, description="具体做法，每条一句")
    phrases: list[PhraseUse] = Field(
        default_factory=list, description="本步骤的规范用语：写用语 id，或写 {text: …, when: …}")
    must: list[Text] = Field(default_factory=list, description="必须做到的（一定/必须/务必）")
    never: list[Text] = Field(default_factory=list, description="绝不能做的（不得/严禁/切忌）")
    timing: list[Text] = Field(default_factory=list, description="时间和数量要求，例如“提前三天第一次通知客户”")
    why: str = Field("", description="为什么这样做")
    keywords: list[Text] = Field(default_factory=list, description="关键词")
    benefits: list[Text] = Field(default_factory=list, description="这样做的好处")
    expectations: list[Text] = Field(default_factory=list, description="客户的期望（客户原话）")
    internal: bool = Field(False, description="内部环节（客户看不到，例如车间派工、质检）")


def _distinct_aliases(aliases: list[str]) -> list[str]:
    """C006: an alias (of a glossary term or a procedure) is one word, written once."""
    seen: set[str] = set()
    for alias in aliases:
        if alias.strip() != alias or any(ch.isspace() for ch in alias):
            raise PydanticCustomError("C006", "别名 `{alias}` 里有空格；搜索和提示按一个词来找，请去掉空格",
                                      {"alias": alias})
        if alias in seen:
            raise PydanticCustomError("C006", "别名 `{alias}` 写了两次", {"alias": alias})
        seen.add(alias)
    return aliases


class Procedure(_Model):
    """A service procedure (SOP): one file under content/procedures/."""

    id: Slug = Field(description="稳定的英文 id（小写字母、数字、连字符），会成为网址和文件名")
    title: Text = Field(description="中文标题")
    aliases: list[Text] = Field(
        default_factory=list,
        description="员工嘴上对这个流程的别的叫法（汽车维修前台接待 ← 修车接待、接车流程）：标题下显示“也叫：…”，"
                    "搜索这些说法也能找到本流程",
        json_schema_extra={"uniqueItems": True})
    summary: str = Field("", description="一两句话说明这个流程是什么、什么时候用")
    domain: Slug = Field(description="所属业务领域 id（见 domains.yaml）")
    roles: list[Slug] = Field(default_factory=list, description="执行这个流程的岗位 id（见 roles.yaml）")
    tags: list[Text] = Field(default_factory=list, description="标签")
    source: str = Field("", description="来源文档（种子文件名或公司文件名）")
    kind: Literal["flow", "rules"] = Field(
        "flow", description="flow 按顺序执行的流程（默认）；rules 没有先后顺序的原则、规定或职责清单")
    customer_facing: bool = Field(
        True, description="员工要直接对客户说话的流程；内部管理流程写 false（不要求规范用语）")
    recurring: Literal["none", "daily"] = Field(
        "none", description="daily 表示每天重复的例行工作（检查表按星期一到星期日打勾）")
    steps: list[Step] = Field(min_length=1, description="步骤，按顺序")
    must: list[Text] = Field(default_factory=list, description="整个流程都必须遵守的")
    never: list[Text] = Field(default_factory=list, description="整个流程都不能做的")
    notes: list[Text] = Field(default_factory=list, description="注意事项")
    related: list[Slug] = Field(default_factory=list, description="相关流程 id")

    @field_validator("aliases")
    @classmethod
    def _distinct_aliases(cls, aliases: list[str]) -> list[str]:
        return _distinct_aliases(aliases)

    @model_validator(mode="after")
    def _alias_is_not_the_title(self) -> Procedure:
        if self.title in self.aliases:
            raise PydanticCustomError("C006", "别名 `{alias}` 就是流程标题；别名只写别的叫法",
                                      {"alias": self.title, "field": "aliases"})
        return self


class Phrase(_Model):
    """A 规范用语: a script staff say word for word."""

    id: Slug = Field(description="稳定的英文 id")
    text: Text = Field(description="用语原文，逐字照说")
    when: Text = Field(description="什么情况下说")
    roles: list[Slug] = Field(default_factory=list, description="谁说（岗位 id）")
    avoid: list[Text] = Field(default_factory=list, description="不该说的错误说法（测验里用作干扰项）")
    blanks: list[Text] = Field(default_factory=list, description="填空题要挖掉的关键词，必须出现在用语原文里")
    tags: list[Text] = Field(default_factory=list, description="标签")
    source: str = Field("", description="来源文档")

    @model_validator(mode="after")
    def _blanks_in_text(self) -> Phrase:
        for word in self.blanks:
            if word not in self.text:
                raise PydanticCustomError(
                    "C003", "填空关键词 `{word}` 没有出现在用语原文里", {"word": word, "field": "blanks"})
        return self


class Option(_Model):
    """One answer option of a scenario question."""

    text: Text = Field(description="选项文字")
    correct: bool = Field(False, description="是否正确答案（只能有一个 true）")
    why: str = Field("", description="为什么对或为什么错")


class Scenario(_Model):
    """A situation with one right way to act; ``kind: case`` is a story with a lesson."""

    id: Slug = Field(description="稳定的英文 id")
    kind: Literal["question", "case"] = Field("question", description="question 情景题；case 案例故事")
    title: Text = Field(description="标题")
    situation: Text = Field(description="情景或故事")
    question: Text = Field(description="问题")
    options: list[Option] = Field(min_length=2, description="选项，恰好一个 correct: true")
    lesson: str = Field("", description="要记住的道理（案例必填）")
    procedures: list[Slug] = Field(default_factory=list, description="相关流程 id")
    roles: list[Slug] = Field(default_factory=list, description="相关岗位 id")
    tags: list[Text] = Field(default_factory=list, description="标签")
    source: str = Field("", description="来源文档")

    @field_validator("options")
    @classmethod
    def _exactly_one_correct(cls, options: list[Option]) -> list[Option]:
        n = sum(o.correct for o in options)
        if n == 0:
            raise PydanticCustomError("C001", "没有正确选项；请给唯一正确的选项写 correct: true", {"count": n})
        if n > 1:
            raise PydanticCustomError("C002", "有 {count} 个正确选项；情景题只能有一个 correct: true", {"count": n})
        texts = [o.text.strip() for o in options]
        if len(set(texts)) != len(texts):
            raise PydanticCustomError("C004", "有两个选项文字相同；每个选项都要不同", {"count": n})
        return options

    @model_validator(mode="after")
    def _case_has_lesson(self) -> Scenario:
        if self.kind == "case" and not self.lesson.strip():
            raise PydanticCustomError("C005", "案例（kind: case）必须写 lesson：要记住的道理", {"field": "lesson"})
        return self


class Term(_Model):
    """A glossary term (shown as a tooltip wherever it appears)."""

    term: Text = Field(description="术语，例如“SA”或“三件套”")
    full: str = Field("", description="全称，例如“Service Advisor 服务顾问”")
    definition: Text = Field(description="解释")
    aliases: list[Text] = Field(
        default_factory=list,
        description="别的写法和员工常说的叫法（首期房款 ← 首付、首付款）：搜索任何一个都能找到用到其他写法的页面，"
                    "出现的地方也显示解释",
        json_schema_extra={"uniqueItems": True})
    source: str = Field("", description="来源文档")

    @field_validator("aliases")
    @classmethod
    def _distinct_aliases(cls, aliases: list[str]) -> list[str]:
        return _distinct_aliases(aliases)

    @model_validator(mode="after")
    def _alias_is_not_the_term(self) -> Term:
        if self.term in self.aliases:
            raise PydanticCustomError("C006", "别名 `{alias}` 就是术语本身；别名只写别的写法",
                                      {"alias": self.term, "field": "aliases"})
        return self


class PathStage(_Model):
    """One stage of a role's 入职路径 (第一天, 第一周 …): what to read and which phrases to master."""

    title: Text = Field(description="阶段名称，例如“第一天”“第一周”“第一个月”")
    procedures: list[Slug] = Field(default_factory=list, description="这一阶段要读完的流程 id，按阅读顺序")
    phrases: list[Slug] = Field(default_factory=list, description="这一阶段要背熟的规范用语 id")


class Role(_Model):
    """A job role (岗位)."""

    id: Slug = Field(description="稳定的英文 id")
    name: Text = Field(description="岗位名称")
    aliases: list[Text] = Field(default_factory=list, description="别称，例如“销售代表”")
    description: str = Field("", description="岗位职责简述")
    path: list[PathStage] = Field(
        default_factory=list,
        description="入职路径：按阶段列出要读的流程和要背熟的规范用语；不写则按本岗位的流程自动排出")


class Domain(_Model):
    """A business area the handbook is organised by (售楼处, 汽车销售 …)."""

    id: Slug = Field(description="稳定的英文 id")
    name: Text = Field(description="领域名称")
    description: str = Field("", description="简述")
    trade: str = Field(
        "", description="所属行业，例如“房地产”“汽车”；同一行业的领域互为相关领域。不写表示通用，各行业都适用")


# Where each kind lives under content/ and whether a file holds one item or a list.
KINDS: dict[str, tuple[type[_Model], bool]] = {
    "procedures": (Procedure, False),
    "phrases": (Phrase, True),
    "scenarios": (Scenario, True),
    "glossary": (Term, True),
    "roles": (Role, True),
    "domains": (Domain, True),
}
