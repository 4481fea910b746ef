"""Regions service: the regional market (区域市场), its tree, surveys, targets and budgets."""
