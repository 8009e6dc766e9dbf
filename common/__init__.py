"""What every job of jixiao shares: the settings of jixiao.env, atomic file writes, and the named phases at which
a test may pause a build."""
