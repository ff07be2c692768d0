"""getimg Studio: a desktop studio for short videos made with the getimg.ai API."""

__version__ = "0.2.0"
APP_NAME = "getimg Studio"
APP_ID = "getimg-studio"
