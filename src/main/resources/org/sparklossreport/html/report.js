/* Draws the charts (Apache ECharts, inline above) and fills the report table from #report-data.
   Sets <body data-rendered="N"> once the N chart containers hold a chart. */
(function () {
  (window.__pendingErrors || []).forEach(function (m) { window.__recordError(m); });
  var data = JSON.parse(document.getElementById('report-data').textContent);

  function num(v) {
    if (v === null || v === undefined) { return null; }
    var n = typeof v === 'string' ? Number(v) : v;
    return isFinite(n) ? n : null; // ±Infinity is in the table, not on a chart axis
  }

  /* Horizontal whiskers [low, high] at each category of a category y axis. */
  function whiskers(rows, color) {
    return {
      type: 'custom', name: 'interval', z: 10, tooltip: { show: false },
      data: rows.map(function (r, i) { return [i, num(r[2]), num(r[3])]; })
        .filter(function (d) { return d[1] !== null && d[2] !== null; }),
      encode: { x: [1, 2], y: 0 },
      renderItem: function (params, api) {
        var lo = api.coord([api.value(1), api.value(0)]);
        var hi = api.coord([api.value(2), api.value(0)]);
        var h = api.size([0, 1])[1] * 0.3;
        var style = { stroke: color, lineWidth: 1.5 };
        return { type: 'group', children: [
          { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
          { type: 'line', shape: { x1: lo[0], y1: lo[1] - h, x2: lo[0], y2: lo[1] + h }, style: style },
          { type: 'line', shape: { x1: hi[0], y1: hi[1] - h, x2: hi[0], y2: hi[1] + h }, style: style }] };
      }
    };
  }

  function keyAxis(rows) {
    return { type: 'category', inverse: true, data: rows.map(function (r) { return r[0]; }),
      axisLabel: { width: 260, overflow: 'truncate', fontSize: 11 } };
  }

  function tooltip(names) {
    return { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: function (items) {
      var row = items[0].data.row;
      return row[0] + '<br>' + names.map(function (n, i) {
        return row[i + 1] === null ? '' : n + ': ' + row[i + 1] + '<br>';
      }).join('');
    } };
  }

  function valuesOption(v) {
    var rows = v.points;
    var series = [{ type: 'bar', name: 'value', barMaxWidth: 14, itemStyle: { color: '#5470c6' },
      data: rows.map(function (r) { return { value: num(r[1]), row: r }; }) }];
    if (num(v.overall) !== null) {
      series[0].markLine = { symbol: 'none', label: { formatter: 'overall {c}' }, lineStyle: { color: '#d48265' },
        data: [{ xAxis: num(v.overall) }] };
    }
    if (v.intervals) { series.push(whiskers(rows, '#222')); }
    return { animation: false, grid: { left: 270, right: 40, top: 20, bottom: 30 },
      tooltip: tooltip(['value', 'ci_low', 'ci_high']),
      xAxis: { type: 'value', scale: true }, yAxis: keyAxis(rows), series: series };
  }

  function deltasOption(d) {
    var rows = d.points;
    return { animation: false, grid: { left: 270, right: 40, top: 20, bottom: 30 },
      tooltip: tooltip(['delta', 'delta_ci_low', 'delta_ci_high', 'value', 'baseline_value']),
      xAxis: { type: 'value' }, yAxis: keyAxis(rows),
      series: [{ type: 'bar', name: 'delta', barMaxWidth: 14,
        data: rows.map(function (r) {
          var worse = num(r[2]) !== null && num(r[2]) > 0;
          return { value: num(r[1]), row: r, itemStyle: { color: worse ? '#c23531' : '#91a7d8' } };
        }) }, whiskers(rows, '#222')] };
  }

  /* A history's band under a series: the low line (invisible) and high - low stacked on it as an area. */
  function bandSeries(s, i) {
    var low = s.low.map(num);
    return [{ type: 'line', name: s.name + ' band', stack: 'band' + i, data: low, symbol: 'none',
      lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
      { type: 'line', name: s.name + ' band', stack: 'band' + i, symbol: 'none', lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.15 }, silent: true, tooltip: { show: false },
        data: s.high.map(function (h, j) { return num(h) === null || low[j] === null ? null : num(h) - low[j]; }) }];
  }

  function trendOption(t) {
    var out = [];
    t.series.forEach(function (s, i) {
      if (s.low) { out = out.concat(bandSeries(s, i)); }
      var anomalies = s.anomaly ? s.anomaly.some(function (a) { return a; }) : false;
      out.push({ type: 'line', name: s.name, connectNulls: true, showSymbol: t.dates.length <= 60 || anomalies,
        data: s.values.map(function (v, j) {
          return s.anomaly && s.anomaly[j] ? { value: num(v), symbol: 'diamond', symbolSize: 12,
            itemStyle: { color: '#c23531' } } : num(v);
        }) });
    });
    return { animation: false, grid: { left: 60, right: 30, top: 40, bottom: 40 },
      legend: { type: 'scroll', top: 0 }, tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: t.dates }, yAxis: { type: 'value', scale: true }, series: out };
  }

  var charts = [];
  document.querySelectorAll('div.chart').forEach(function (el) {
    var loss = data.losses[Number(el.getAttribute('data-index'))];
    var kind = el.getAttribute('data-kind');
    var option = kind === 'values' ? valuesOption(loss.values)
      : kind === 'trend' ? trendOption(loss.trend) : deltasOption(loss.deltas);
    var bars = kind === 'trend' ? 0 : option.yAxis.data.length;
    el.style.height = (kind === 'trend' ? 320 : Math.max(160, 60 + 18 * bars)) + 'px';
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });

  /* The table: rows from the data, sorted by a header click, filtered by the text box. */
  var table = data.table;
  var body = document.querySelector('#report-table tbody');
  var filter = document.getElementById('filter');
  var count = document.getElementById('table-count');
  var order = table.rows.map(function (r, i) { return i; });
  var sortColumn = -1, ascending = true;

  function cell(v) { return v === null ? '' : String(v); }

  function draw() {
    var needle = filter.value.toLowerCase();
    var html = [];
    var shown = 0;
    order.forEach(function (i) {
      var row = table.rows[i];
      var text = row.map(cell);
      if (needle && text.join('\u0001').toLowerCase().indexOf(needle) < 0) { return; }
      shown++;
      html.push('<tr><td>' + text.map(function (t) {
        return t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      }).join('</td><td>') + '</td></tr>');
    });
    body.innerHTML = html.join('');
    count.textContent = shown + ' of ' + table.rows.length + ' row(s) in the table';
  }

  /* Non-finite doubles arrive as the strings Infinity, -Infinity, NaN: sort them as numbers. */
  function special(v) { return v === 'Infinity' || v === '-Infinity' || v === 'NaN' ? Number(v) : v; }

  function compare(a, b) {
    if (a === null) { return b === null ? 0 : 1; }
    if (b === null) { return -1; }
    var x = special(a), y = special(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  document.querySelectorAll('#report-table th').forEach(function (th, c) {
    th.addEventListener('click', function () {
      ascending = sortColumn === c ? !ascending : true;
      sortColumn = c;
      order.sort(function (i, j) {
        var r = compare(table.rows[i][c], table.rows[j][c]);
        return ascending ? r : -r;
      });
      draw();
    });
  });
  filter.addEventListener('input', draw);
  draw();

  document.body.setAttribute('data-rendered', String(charts.length));
})();
