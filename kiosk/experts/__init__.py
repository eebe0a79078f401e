"""The evaluation area's expert draw (专家抽取, issue 17): eligibility, a verifiable draw, calling and replacement."""
