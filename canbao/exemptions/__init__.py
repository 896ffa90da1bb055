"""Exemption lists (免缴对象名单): agencies' lists taken in, diffed, approved, consolidated and handed off."""
