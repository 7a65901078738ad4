"""服务手册 · Playbook: structured service procedures -> handbook, quizzes, checklists."""

__version__ = "0.1.0"
