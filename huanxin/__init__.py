"""焕新 Huanxin: old residential community renovation, from census to handover."""
