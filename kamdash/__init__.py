"""kamdash: key account management dashboard."""
