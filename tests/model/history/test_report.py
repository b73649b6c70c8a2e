"""The evaluation report as a reader sees it: legends beside, not over, the curves; every image
drawn and described; opened in chromium and kept as a screenshot."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from model.history.evaluate import evaluate
from model.history.mapping import parse_mapping
from model.history.report import PLOTS, figures, write_report
from tests.conftest import screenshot
from tests.model.conftest import SYNTHETIC_MAPPING


@pytest.fixture(scope="module")
def evaluation(trained, synthetic_csv, reference, snapshot):
    model, card = trained
    return evaluate(model, [synthetic_csv], parse_mapping(SYNTHETIC_MAPPING), reference, snapshot, top=5, card=card)


def test_no_legend_covers_a_plot(evaluation):
    for fig in figures(evaluation):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        areas = [ax.get_window_extent(renderer) for ax in fig.axes]
        labels = [ax.xaxis.get_tightbbox(renderer) for ax in fig.axes]
        legends = [ax.get_legend() for ax in fig.axes]
        assert all(legends)
        for legend in legends:
            box = legend.get_window_extent(renderer)
            assert not any(box.overlaps(area) for area in areas + labels), fig.axes[0].get_title()
        plt.close(fig)


def test_the_report_renders_in_a_browser(evaluation, browser, tmp_path):
    path = write_report(evaluation, tmp_path / "report.html")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(path.as_uri())
        images = page.locator("img")
        assert images.count() == len(PLOTS)
        assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 300)")
        assert all(images.nth(i).get_attribute("alt") for i in range(images.count()))
        first = page.locator("body > *").first
        assert "Warning" in first.inner_text() and "own training data" in first.inner_text()  # trained on this file
        assert page.locator("text=record (file:line)").count() == 1
        screenshot(page, "report")
    finally:
        page.close()
