"""Queries: what a user typed, parsed into clauses of words, and the plan that matches them."""

from .parser import FIELDS, Clause, ParsedQuery, Unit, parse
from .plan import FIELD_WEIGHTS, Node, Plan, Speller, Term, plan, sequence, syllable_run, unit_plan

__all__ = [
    "FIELDS",
    "Clause",
    "ParsedQuery",
    "Unit",
    "parse",
    "FIELD_WEIGHTS",
    "Node",
    "Plan",
    "Speller",
    "Term",
    "plan",
    "sequence",
    "syllable_run",
    "unit_plan",
]
