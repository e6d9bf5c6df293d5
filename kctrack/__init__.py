"""kctrack: a KPI tracker for the 2020 Jiangsu special action (苏科协发〔2020〕71号)."""

__version__ = "0.1.0"
