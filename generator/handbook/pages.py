"""Markdown for every generated handbook page, as pure functions of the content model.

Headings and lists are Markdown (so the table of contents, search sections and glossary
abbreviations work); callouts that need exact markup (phrases, the flow diagram) are raw
HTML blocks built with escaped text. Every piece of content text goes through
``text.md`` (Markdown) or ``text.html`` / ``text.attr`` (HTML).
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable

from ..loader import Content
from ..model import InlinePhrase, Phrase, Procedure, Scenario, Step
from .text import attr, html, md, one_line, yaml_str

QuizBlock = Callable[[Content, str], str]

HOME = "index.md"
PHRASES = "phrases.md"
SCENARIOS = "scenarios.md"
CASES = "cases.md"
GLOSSARY = "glossary.md"
TAGS = "tags.md"
ROLES_INDEX = "roles/index.md"


def procedure_path(pid: str) -> str:
    return f"procedures/{pid}.md"


def role_path(rid: str) -> str:
    return f"roles/{rid}.md"


def domain_path(did: str) -> str:
    return f"domains/{did}.md"


def rel(from_page: str, to_page: str) -> str:
    """Relative Markdown link between two pages (MkDocs checks these in --strict)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def site_rel(from_page: str, site_path: str) -> str:
    """Relative URL from a page's HTML to a file in the built site (not a page: not link-checked)."""
    depth = from_page.count("/")
    return "../" * depth + site_path


def front_matter(title: str, tags: Iterable[str] = (), description: str = "") -> str:
    """Page metadata. The theme prints title, description and tags as raw HTML (in <title>, the
    header, a meta attribute, tag chips), so each is HTML-escaped here, once."""
    lines = ["---", f"title: {yaml_str(str(html(title)))}"]
    tags = list(tags)
    if tags:
        lines.append("tags:")
        lines += [f"  - {yaml_str(str(html(t)))}" for t in tags]
    if description:
        lines.append(f"description: {yaml_str(str(attr(description)))}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _phrase_of(content: Content, use: str | InlinePhrase, step: Step) -> tuple[str | None, str, str]:
    """(phrase id or None, text, situation) for a step's phrase reference."""
    if isinstance(use, str):
        ph = content.phrases[use]
        return ph.id, ph.text, ph.when
    return None, use.text, use.when or step.title


def phrase_block(text: str, when: str, anchor: str | None = None) -> str:
    """A 规范用语 callout: situation, the exact words in large type, a copy button."""
    anchor_attr = f' id="{attr(anchor)}"' if anchor else ""
    return one_line(
        f'<div class="pb-phrase"{anchor_attr}>'
        f'<div class="pb-phrase-when"><span class="pb-label">规范用语</span> {html(when)}</div>'
        f'<blockquote class="pb-phrase-text">{html(text)}</blockquote>'
        f'<button class="pb-copy" type="button" data-copy="{attr(text)}" aria-label="复制这句规范用语">复制</button>'
        f"</div>"
    )


def avoid_block(avoid: list[str]) -> str:
    """Wrong wordings of a phrase: shown, but kept out of search (nobody should find them as answers)."""
    items = "".join(f"<li>✘ {html(a)}</li>" for a in avoid)
    return one_line(f'<div class="admonition pb-never" data-search-exclude><p class="admonition-title">不要这样说</p>'
                    f"<ul>{items}</ul></div>")


def flow_block(proc: Procedure) -> str:
    """The procedure as a flow diagram: numbered boxes with arrows, internal steps dashed."""
    items = []
    for i, step in enumerate(proc.steps, start=1):
        cls = "pb-flow-step pb-internal" if step.internal else "pb-flow-step"
        tag = '<span class="pb-flow-tag">内部</span>' if step.internal else ""
        items.append(f'<li class="{cls}"><a href="#step-{i}"><span class="pb-flow-num">{i}</span>'
                     f'<span class="pb-flow-title">{html(step.title)}</span>{tag}</a></li>')
    # The step titles are indexed under their own headings; the diagram would only repeat them.
    return one_line(f'<ol class="pb-flow" aria-label="流程图" data-search-exclude>{"".join(items)}</ol>')


def _bullets(items: Iterable[str], prefix: str = "") -> str:
    return "".join(f"- {prefix}{md(x)}\n" for x in items)


def _admonition(kind: str, title: str, items: list[str], marker: str) -> str:
    body = "".join(f"    - {marker} {md(x)}\n" for x in items)
    return f'!!! {kind} "{title}"\n\n{body}\n'


def _timing(items: list[str]) -> str:
    return "".join(f'- <mark class="pb-timing">{md(x)}</mark>\n' for x in items)


def _step_markdown(content: Content, page: str, proc: Procedure, i: int, step: Step) -> str:
    out = [f'### {i}. {md(step.title)} {{ #step-{i} }}\n\n']
    if step.internal:
        out.append('<span class="pb-badge pb-badge-internal">内部环节 · 客户看不到</span>\n\n')
    if step.points:
        out.append(_bullets(step.points) + "\n")
    if step.timing:
        out.append(_timing(step.timing) + "\n")
    if step.must:
        out.append(_admonition("pb-must", "必须做到", step.must, "✔"))
    if step.never:
        out.append(_admonition("pb-never", "严禁", step.never, "✘"))
    for use in step.phrases:
        _pid, text, when = _phrase_of(content, use, step)
        out.append(phrase_block(text, when) + "\n\n")
    if step.keywords:
        out.append(f"**关键词：** {'、'.join(md(k) for k in step.keywords)}\n\n")
    if step.expectations:
        out.append('!!! pb-expect "客户期望"\n\n' + "".join(f"    - “{md(x)}”\n" for x in step.expectations) + "\n")
    if step.benefits:
        out.append("**好处：**\n\n" + _bullets(step.benefits) + "\n")
    if step.why:
        out.append(f'!!! pb-why "为什么"\n\n    {md(step.why)}\n\n')
    return "".join(out)


def procedure_page(content: Content, proc: Procedure, quiz_block: QuizBlock | None = None) -> str:
    page = procedure_path(proc.id)
    domain = content.domains[proc.domain]
    out = [front_matter(proc.title, proc.tags, proc.summary), f"# {md(proc.title)}\n\n"]
    meta = [f"[{md(domain.name)}]({rel(page, domain_path(domain.id))})"]
    roles = [f"[{md(content.roles[r].name)}]({rel(page, role_path(r))})" for r in proc.roles]
    out.append(f'<div class="pb-meta" markdown>\n**领域：** {meta[0]}')
    if roles:
        out.append(f" · **岗位：** {'、'.join(roles)}")
    if proc.recurring == "daily":
        out.append(" · **每日例行**")
    if not proc.customer_facing:
        out.append(" · **内部管理流程**")
    out.append("\n</div>\n\n")
    if proc.summary:
        out.append(f"{md(proc.summary)}\n\n")
    a4 = site_rel(page, f"checklists/{proc.id}.pdf")
    a6 = site_rel(page, f"checklists/{proc.id}-a6.pdf")
    out.append(one_line(
        f'<p class="pb-actions"><a class="md-button md-button--primary" href="{a4}">打印检查表（A4）</a> '
        f'<a class="md-button" href="{a6}">柜台小卡（A6）</a></p>') + "\n\n")
    if proc.kind == "flow":
        out.append("## 流程图\n\n" + flow_block(proc) + "\n\n")
    if proc.must:
        out.append(_admonition("pb-must", "整个流程必须做到", proc.must, "✔"))
    if proc.never:
        out.append(_admonition("pb-never", "整个流程严禁", proc.never, "✘"))
    out.append("## 步骤\n\n" if proc.kind == "flow" else "## 要点（不分先后）\n\n")
    for i, step in enumerate(proc.steps, start=1):
        out.append(_step_markdown(content, page, proc, i, step))
    if proc.notes:
        out.append("## 注意事项\n\n" + _bullets(proc.notes) + "\n")
    scenarios = [s for s in content.scenarios.values() if proc.id in s.procedures]
    related = [content.procedures[r] for r in proc.related]
    if scenarios or related:
        out.append("## 相关内容\n\n")
        for s in scenarios:
            target = CASES if s.kind == "case" else SCENARIOS
            label = "案例" if s.kind == "case" else "情景题"
            out.append(f"- {label}：[{md(s.title)}]({rel(page, target)}#{s.id})\n")
        for r in related:
            out.append(f"- 相关流程：[{md(r.title)}]({rel(page, procedure_path(r.id))})\n")
        out.append("\n")
    if quiz_block is not None:
        block = quiz_block(content, proc.id)
        if block:
            # Quiz questions are not searchable text (and would double the search index).
            out.append("## 自测 { #self-check data-search-exclude }\n\n"
                       '<div class="pb-self-check" data-search-exclude>\n' + block.strip() + "\n</div>\n\n")
    if proc.source:
        out.append(f'<p class="pb-source">来源：{html(proc.source)}</p>\n')
    return "".join(out)


def _procedures_by_domain(content: Content) -> dict[str, list[Procedure]]:
    groups: dict[str, list[Procedure]] = defaultdict(list)
    for proc in content.procedures.values():
        groups[proc.domain].append(proc)
    return groups


def domain_page(content: Content, did: str) -> str:
    domain = content.domains[did]
    page = domain_path(did)
    procs = _procedures_by_domain(content).get(did, [])
    out = [front_matter(domain.name), f"# {md(domain.name)}\n\n"]
    if domain.description:
        out.append(f"{md(domain.description)}\n\n")
    out.append(f"共 {len(procs)} 个流程。\n\n")
    for proc in procs:
        out.append(f"- [{md(proc.title)}]({rel(page, procedure_path(proc.id))})"
                   + (f" —— {md(proc.summary)}" if proc.summary else "") + "\n")
    return "".join(out)


def role_page(content: Content, rid: str) -> str:
    role = content.roles[rid]
    page = role_path(rid)
    out = [front_matter(role.name), f"# {md(role.name)}\n\n"]
    if role.aliases:
        out.append(f"也叫：{'、'.join(md(a) for a in role.aliases)}\n\n")
    if role.description:
        out.append(f"{md(role.description)}\n\n")
    procs = [p for p in content.procedures.values() if rid in p.roles]
    out.append(f"## 要掌握的流程（{len(procs)}）\n\n")
    for p in procs:
        out.append(f"- [{md(p.title)}]({rel(page, procedure_path(p.id))})\n")
    if not procs:
        out.append("暂无。\n")
    musts = [(p, m) for p in procs for s in p.steps for m in s.must] + [(p, m) for p in procs for m in p.must]
    nevers = [(p, m) for p in procs for s in p.steps for m in s.never] + [(p, m) for p in procs for m in p.never]
    # What follows repeats the procedure pages: readable here, but kept out of search results.
    out.append('\n<div class="pb-role-digest" data-search-exclude="true" markdown>\n')
    if musts:
        out.append("\n## 必须做到\n\n" + "".join(
            f"- ✔ {md(m)}（[{md(p.title)}]({rel(page, procedure_path(p.id))})）\n" for p, m in musts))
    if nevers:
        out.append("\n## 严禁\n\n" + "".join(
            f"- ✘ {md(m)}（[{md(p.title)}]({rel(page, procedure_path(p.id))})）\n" for p, m in nevers))
    phrases = [ph for ph in content.phrases.values() if rid in ph.roles]
    if phrases:
        out.append(f"\n## 规范用语（{len(phrases)}）\n\n")
        for ph in phrases:
            out.append(phrase_block(ph.text, ph.when) + "\n\n")
    out.append("\n</div>\n")
    scen = [s for s in content.scenarios.values() if rid in s.roles]
    if scen:
        out.append("\n## 情景题与案例\n\n")
        for s in scen:
            out.append(f"- [{md(s.title)}]({rel(page, CASES if s.kind == 'case' else SCENARIOS)}#{s.id})\n")
    return "".join(out)


def roles_index_page(content: Content) -> str:
    out = [front_matter("按岗位"), "# 按岗位学习\n\n"]
    for role in content.roles.values():
        n = sum(role.id in p.roles for p in content.procedures.values())
        out.append(f"- [{md(role.name)}]({rel(ROLES_INDEX, role_path(role.id))})：{n} 个流程"
                   + (f" —— {md(role.description)}" if role.description else "") + "\n")
    return "".join(out)


def phrases_page(content: Content) -> str:
    """All 规范用语 grouped by domain and procedure step (the situation they belong to)."""
    out = [front_matter("规范用语"), "# 规范用语\n\n",
           f"共 {len(content.phrases)} 条。每一句都要逐字照说；点“复制”可以复制原文。\n\n"]
    uses = content.phrase_uses()
    by_domain: dict[str, list[tuple[Phrase, Procedure, int]]] = defaultdict(list)
    unplaced: list[Phrase] = []
    for ph in content.phrases.values():
        if ph.id in uses:
            pid, si = uses[ph.id][0]
            proc = content.procedures[pid]
            by_domain[proc.domain].append((ph, proc, si))
        else:
            unplaced.append(ph)
    for did, domain in content.domains.items():
        entries = by_domain.get(did)
        if not entries:
            continue
        out.append(f"## {md(domain.name)}\n\n")
        for ph, proc, si in entries:
            link = f"{rel(PHRASES, procedure_path(proc.id))}#step-{si + 1}"
            out.append(phrase_block(ph.text, ph.when, anchor=f"phrase-{ph.id}") + "\n\n")
            out.append(f'<p class="pb-phrase-src" markdown>出自 [{md(proc.title)} · 第 {si + 1} 步]({link})</p>\n\n')
            if ph.avoid:
                out.append(avoid_block(ph.avoid) + "\n\n")
    if unplaced:
        out.append("## 其他场合\n\n")
        for ph in unplaced:
            out.append(phrase_block(ph.text, ph.when, anchor=f"phrase-{ph.id}") + "\n\n")
            if ph.avoid:
                out.append(avoid_block(ph.avoid) + "\n\n")
    return "".join(out)


def _scenario_markdown(content: Content, page: str, sc: Scenario) -> str:
    letters = "ABCDEFGHIJ"
    out = [f"## {md(sc.title)} {{ #{sc.id} }}\n\n", f"{md(sc.situation)}\n\n", f"**{md(sc.question)}**\n\n"]
    for i, opt in enumerate(sc.options):
        out.append(f"{letters[i]}\\. {md(opt.text)}\n\n")
    right = next(i for i, o in enumerate(sc.options) if o.correct)
    # The answer stays out of the search index: it would spoil the question in result snippets,
    # and it is most of the page's text (the index has to stay small enough for a phone).
    out.append(f'<details class="success" data-search-exclude markdown>\n<summary>查看答案</summary>\n\n'
               f"**正确答案：{letters[right]}**\n\n")
    for i, opt in enumerate(sc.options):
        mark = "✔" if opt.correct else "✘"
        why = f"：{md(opt.why)}" if opt.why else ""
        out.append(f"- {mark} **{letters[i]}**{why}\n")
    out.append("\n")
    if sc.lesson:
        out.append(f"**要记住：** {md(sc.lesson)}\n\n")
    out.append("</details>\n\n")
    links = [f"[{md(content.procedures[p].title)}]({rel(page, procedure_path(p))})" for p in sc.procedures]
    if links:
        out.append(f"相关流程：{'、'.join(links)}\n\n")
    return "".join(out)


def scenarios_page(content: Content, kind: str) -> str:
    page = CASES if kind == "case" else SCENARIOS
    title = "案例" if kind == "case" else "情景题"
    items = [s for s in content.scenarios.values() if s.kind == kind]
    intro = ("真实故事和它们教给我们的道理。先想一想你会怎么做，再点开答案。" if kind == "case"
             else "遇到这些情况该怎么做？先自己选，再点开答案看解析。")
    out = [front_matter(title), f"# {title}\n\n", f"{intro}共 {len(items)} 个。\n\n"]
    for sc in items:
        out.append(_scenario_markdown(content, page, sc))
    return "".join(out)


def glossary_page(content: Content) -> str:
    out = [front_matter("术语表"), "# 术语表\n\n", "全站正文里出现这些术语时，鼠标悬停（手机上点一下）即可看到解释。\n\n"]
    for term in content.glossary:
        full = f"（{md(term.full)}）" if term.full else ""
        out.append(f"**{md(term.term)}**{full}\n:   {md(term.definition)}\n")
        if term.aliases:
            out.append(f"    也写作：{'、'.join(md(a) for a in term.aliases)}\n")
        out.append("\n")
    return "".join(out)


def tags_page() -> str:
    return front_matter("标签") + "# 标签\n\n按标签浏览全部流程。\n\n<!-- material/tags -->\n"


def home_page(content: Content, quiz_pages: list[tuple[str, str]], guide_pages: list[tuple[str, str]]) -> str:
    procs = _procedures_by_domain(content)
    out = [front_matter("服务手册"), "# 服务手册\n\n",
           "这是门店服务团队的工作手册：每个流程的步骤、必须说的**规范用语**、必须做到和绝不能做的事，"
           "配有情景题、案例和自测。手机和电脑都能看，断网也能用，每页都能打印。\n\n",
           f"共 **{len(content.procedures)}** 个流程、**{len(content.phrases)}** 条规范用语、"
           f"**{len(content.scenarios)}** 个情景题和案例。\n\n",
           "## 按岗位\n\n", '<div class="grid cards" markdown>\n\n']
    for role in content.roles.values():
        n = sum(role.id in p.roles for p in content.procedures.values())
        if n:
            out.append(f"-   **[{md(role.name)}]({role_path(role.id)})**\n\n    {n} 个流程"
                       + (f"：{md(role.description)}" if role.description else "") + "\n\n")
    out.append("</div>\n\n## 按业务\n\n<div class=\"grid cards\" markdown>\n\n")
    for did, domain in content.domains.items():
        if procs.get(did):
            titles = "、".join(md(p.title) for p in procs[did][:4])
            more = " 等" if len(procs[did]) > 4 else ""
            out.append(f"-   **[{md(domain.name)}]({domain_path(did)})**\n\n    {titles}{more}\n\n")
    out.append("</div>\n\n## 学习和练习\n\n")
    out.append(f"- [规范用语]({PHRASES})：全部规范用语，按业务分组\n")
    out.append(f"- [情景题]({SCENARIOS})和[案例]({CASES})：先想，再看答案\n")
    out.append(f"- [术语表]({GLOSSARY})：SA、DMS、三件套……\n")
    for title, path in quiz_pages:
        out.append(f"- 自测：[{md(title)}]({path})\n")
    for title, path in guide_pages:
        out.append(f"- [{md(title)}]({path})\n")
    return "".join(out)
