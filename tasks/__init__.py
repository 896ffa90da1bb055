"""Thin Prefect tasks over the domain package `canbao`."""
