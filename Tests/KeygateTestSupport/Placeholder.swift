enum PlaceholderKeygateTestSupport {}
