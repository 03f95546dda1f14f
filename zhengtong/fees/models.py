"""Fees (收费公开与收费): published fee items, charges, reductions, payments, refunds, reconciliation."""
