"""The score of a lead or contact, made so that anyone can read how: fit rules (title,
industry, company size, country, source) and behaviour (calls, campaign responses, script
answers) that halve with age. The rules are rows of `score_rule`; `explain` lists each rule
that counted and its points, and the stored score is their sum, exactly."""
