"""The Telegram front end's machinery: the Application, update ledger and processor, retries, flood control, health."""
