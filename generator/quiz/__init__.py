"""Quizzes generated from the content: papers, answer keys, online self-check, Moodle XML, GIFT, Anki.

A plain package: import what you need from its modules (``spec`` reads and checks specs,
``assemble`` draws questions, ``site`` and ``practice`` make the handbook's self-checks; the files of
every format and the trainers' pack are rendered by :mod:`generator.exports`).
"""
