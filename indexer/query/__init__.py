"""Queries: what a user typed, parsed into clauses of words, and the plan that matches them."""

from .parser import FIELDS, Clause, ParsedQuery, Unit, Variant, parse, words
from .plan import FIELD_WEIGHTS, VARIANT_WEIGHT, Node, Plan, Speller, Term, plan, sequence, syllable_run, unit_plan
from .synonyms import Form, Synonyms, SynonymsError, shipped

__all__ = [
    "FIELDS",
    "Clause",
    "ParsedQuery",
    "Unit",
    "Variant",
    "parse",
    "words",
    "VARIANT_WEIGHT",
    "Form",
    "Synonyms",
    "SynonymsError",
    "shipped",
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
