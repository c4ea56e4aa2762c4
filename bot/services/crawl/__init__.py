"""The crawler of the OGP website: discovers commitment pages by address (sitemaps, member and listing pages),
fetches them politely and incrementally, and applies the changed ones through the importer in batches.

    summary = await crawl(engine, CrawlConfig.from_settings(settings), CrawlRequest(members=("france",)),
                          actor="cli", on_progress=callback)

Modules: urls (addresses), robots, fetch (HTTP), discovery (links, sitemaps, scope), state (database), batches
(the importer), progress (figures, summary), report (their text), run (the crawl itself).
"""

from bot.services.crawl.discovery import Scope, choose_langs, choose_members
from bot.services.crawl.progress import CrawlProgress, CrawlSummary
from bot.services.crawl.run import CrawlConfig, CrawlRequest, NotConfigured, ProgressCallback, crawl

__all__ = ["CrawlConfig", "CrawlProgress", "CrawlRequest", "CrawlSummary", "NotConfigured", "ProgressCallback",
           "Scope", "choose_langs", "choose_members", "crawl"]
