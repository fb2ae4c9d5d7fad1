package org.sparklossreport.html;

import com.fasterxml.jackson.databind.JsonNode;

/** The visible notes of the page that say what a chart or the table shows and what it leaves out. */
final class Notes {
  private Notes() {}

  static String values(JsonNode v) {
    long keyed = v.path("keyed").asLong();
    long noValue = v.path("noValue").asLong();
    String without = noValue == 0 ? "" : "; " + Page.count(noValue) + " keyed row(s) without a value are not charted";
    String ci = v.path("intervals").asBoolean() ? " Whiskers: ci_low to ci_high." : "";
    if (keyed == 0) {
      return "<p class=\"note\">No keyed rows with a value" + without + ".</p>";
    }
    if (v.path("leftOut").asLong() == 0) {
      return "<p class=\"note\">All " + Page.count(keyed) + " keyed row(s), highest value first" + without + "." + ci + "</p>";
    }
    return "<p class=\"note left-out\">Showing the " + v.path("top").asLong() + " highest and the "
        + v.path("bottom").asLong() + " lowest of " + Page.count(keyed) + " keyed rows; "
        + Page.count(v.path("leftOut").asLong()) + " left out of this chart (all are in the report file"
        + without + ")." + ci + "</p>";
  }

  static String trend(JsonNode t, JsonNode bounds) {
    long dates = t.path("datesTotal").asLong();
    long series = t.path("seriesTotal").asLong();
    long shownDates = t.path("dates").size();
    long shownSeries = t.path("series").size();
    StringBuilder b = new StringBuilder("<p class=\"note").append(dates > shownDates || series > shownSeries ? " left-out" : "")
        .append("\">").append(shownSeries).append(" of ").append(series).append(" series, ")
        .append(shownDates).append(" of ").append(dates).append(" dates");
    if (dates > shownDates) {
      b.append("; the ").append(Page.count(dates - shownDates)).append(" earliest date(s) left out");
    }
    if (series > shownSeries) {
      b.append("; ").append(Page.count(series - shownSeries)).append(" series left out (the first ")
          .append(bounds.path("trendSeries").asLong()).append(" by name are shown)");
    }
    return b.append(".</p>").toString();
  }

  static String deltas(JsonNode d) {
    long total = d.path("total").asLong();
    long left = d.path("leftOut").asLong();
    return "<p class=\"note" + (left > 0 ? " left-out" : "") + "\">" + Page.count(total) + " compared row(s), "
        + Page.count(d.path("significant").asLong()) + " with delta_ci_low &gt; 0 (worse beyond the interval)"
        + (left > 0 ? "; the first " + d.path("points").size() + " shown, " + Page.count(left) + " left out of this chart"
            : "")
        + ". Whiskers: delta_ci_low to delta_ci_high. For a loss where higher is better (r2) a regression is"
        + " a negative delta.</p>";
  }

  static String table(JsonNode t) {
    long total = t.path("total").asLong();
    long shown = t.path("shown").asLong();
    if (shown < total) {
      return "<p class=\"note left-out\" id=\"table-note\">The table holds the first " + Page.count(shown) + " of "
          + Page.count(total) + " report rows (by loss, grouping and key); " + Page.count(total - shown)
          + " left out to bound the file size. Render a part with html --where to see the rest.</p>";
    }
    return "<p class=\"note\" id=\"table-note\">All " + Page.count(total) + " report rows.</p>";
  }
}
