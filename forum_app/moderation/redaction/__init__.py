"""The redactor's detectors, one module per family of personal detail (``moderation.redact`` runs them)."""
