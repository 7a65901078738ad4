"""`playbook import`: turn a numbered SOP document (.txt / .docx) into content YAML skeletons.

Pipeline, one concept per module:
``docx``/``clean`` read and tidy lines -> ``outline`` finds numbering and builds a tree ->
``extract`` turns the tree into procedures, steps, phrases and rules -> ``writer`` writes YAML
all-or-nothing; ``command`` ties them together and prints the report.
"""
