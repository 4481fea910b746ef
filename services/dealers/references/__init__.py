"""What the dealers service keeps from other services' feeds, and the checks built on it."""
