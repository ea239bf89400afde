enum PlaceholderKeygateReporters {}
