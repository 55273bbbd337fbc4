"""Pure values shared by every part of the product: a school, a schedule, a problem."""
