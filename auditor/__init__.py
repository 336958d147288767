"""aliaudit: audit an Alibaba Cloud tenant against the HKIA guidelines."""

__version__ = "0.1.0"
