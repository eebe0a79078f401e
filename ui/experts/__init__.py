"""The extraction console (专家抽取室, issue 17)."""
