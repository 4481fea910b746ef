"""Dealers service: core dealers (核心经销商), their terminal network, stock, sell-out, orders."""
