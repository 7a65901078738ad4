"""Text from content that would be Typst markup if a template ever treated it as such: every printed
document must show it literally and lay out as if it were plain text."""

HOSTILE = [
    "#set page(width: 1cm)",
    "#pagebreak() #pagebreak()",
    "] #text(size: 80pt)[巨大] [",
    "$x^2$ 与 *粗* 与 _斜_ 与 `代码` 与 @引用 与 <标签> 与 {花括号} 与 \\反斜杠\\ 与 // 注释 /* 块",
    '"); #panic("注入") //',
    "#sys.inputs.data = 1 = 标题",
]
