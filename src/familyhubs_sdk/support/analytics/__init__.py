"""Form-use analytics: events without personal data, the report and planning insights."""

from familyhubs_sdk.support.analytics._events import AnalyticsEvent as AnalyticsEvent
from familyhubs_sdk.support.analytics._events import AnalyticsRecorder as AnalyticsRecorder
from familyhubs_sdk.support.analytics._events import AnalyticsSink as AnalyticsSink
from familyhubs_sdk.support.analytics._events import InMemoryAnalytics as InMemoryAnalytics
from familyhubs_sdk.support.analytics._events import load_events as load_events
from familyhubs_sdk.support.analytics._events import new_journey_key as new_journey_key
from familyhubs_sdk.support.analytics._insights import RequestInsights as RequestInsights
from familyhubs_sdk.support.analytics._insights import render_insights as render_insights
from familyhubs_sdk.support.analytics._insights import request_insights as request_insights
from familyhubs_sdk.support.analytics._report import FormReport as FormReport
from familyhubs_sdk.support.analytics._report import build_report as build_report
from familyhubs_sdk.support.analytics._report import render_report as render_report
from familyhubs_sdk.support.analytics._report import report_csv as report_csv
from familyhubs_sdk.support.analytics._suppression import Suppression as Suppression

__all__ = [
    "AnalyticsEvent",
    "AnalyticsRecorder",
    "AnalyticsSink",
    "FormReport",
    "InMemoryAnalytics",
    "RequestInsights",
    "Suppression",
    "build_report",
    "load_events",
    "new_journey_key",
    "render_insights",
    "render_report",
    "report_csv",
    "request_insights",
]
