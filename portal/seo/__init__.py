"""What search engines and link previews see: sitemap, robots.txt and the "do not index" switch."""
