"""A whole campaign simulated: a generated county walked through its calendar on a simulated clock."""
