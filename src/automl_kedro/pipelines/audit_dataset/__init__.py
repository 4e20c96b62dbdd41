"""The audit_dataset phase."""
