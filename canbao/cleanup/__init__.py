"""Cleanup (扫尾): per village, who is still missing, what they owe now, and when their cover would start."""
