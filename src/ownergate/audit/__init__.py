"""The hash-chained audit log: append (chain.py), verify (verify.py), export (export.py)."""

from ownergate.audit.chain import GENESIS, AuditRecord, append, canonical_json, record_hash
from ownergate.audit.export import ExportFormat, export
from ownergate.audit.verify import Problem, VerifyReport, verify

__all__ = [
    "GENESIS",
    "AuditRecord",
    "ExportFormat",
    "Problem",
    "VerifyReport",
    "append",
    "canonical_json",
    "export",
    "record_hash",
    "verify",
]
