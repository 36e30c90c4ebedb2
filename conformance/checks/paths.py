"""The Bitget paths the checks look for in the mock's journal."""

SERVER_TIME = "/api/v2/public/time"
TICKERS = "/api/v2/spot/market/tickers"
ORDERBOOK = "/api/v2/spot/market/orderbook"
ASSETS = "/api/v2/spot/account/assets"
PLACE_ORDER = "/api/v2/spot/trade/place-order"
CANCEL_ORDER = "/api/v2/spot/trade/cancel-order"
BATCH_ORDERS = "/api/v2/spot/trade/batch-orders"
HISTORY_ORDERS = "/api/v2/spot/trade/history-orders"
ORDER_INFO = "/api/v2/spot/trade/orderInfo"
UNFILLED = "/api/v2/spot/trade/unfilled-orders"

DRAGON_SYMBOL = "龙币USDT"  # the seeded symbol whose base coin is not ASCII
