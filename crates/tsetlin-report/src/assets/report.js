// Report page logic. Everything is computed from the embedded JSON once, then
// only the visible part is rendered (one class's rules, one document, capped
// row counts) so that thousands of clauses stay responsive.
// All data-derived text goes through esc() or textContent: documents contain
// markup and quotes.
(function () {
  'use strict';
  var T0 = performance.now();
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var NC = D.classes.length;
  var TK = D.tokenizer;
  // Multi-label models decide a label set: every label whose sum is above its threshold.
  var ML = D.multi_label || null;
  var CURVE = ML ? 'micro-F1' : 'accuracy';
  var PAGE = 100;          // rule rows added per "show more"
  var FIRED_CAP = 12;      // fired-clause rows shown before "show more"
  var COMPACT_NOT = 3;     // negated literals a rule shows before "+k more NOT" (compact view)
  var SHORT_RULE = 5;      // a rule of at most this many literals counts as short
  var PALETTE = ['#2f5bd3', '#0e9384', '#d97706', '#9e3fd1', '#dc4c64', '#3b8ec4', '#6d9c1f', '#c2410c', '#5b5fc7', '#0f766e'];

  function $(id) { return document.getElementById(id); }
  var ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function cname(i) { return i >= 0 && i < NC ? D.classes[i] : '#' + i; }
  function pct(x) { return x == null || !isFinite(x) ? '–' : (100 * x).toFixed(1) + '%'; }
  function feat(f) { return f < D.features.length ? D.features[f] : '#' + f; }
  function signed(v) { return (v > 0 ? '+' : v < 0 ? '−' : '') + Math.abs(v); }
  function color(i) { return PALETTE[i % PALETTE.length]; }

  // ---------- Precomputation (once) ----------
  var clauseById = new Map();
  var byClass = [];
  var emptyByClass = [];
  for (var c = 0; c < NC; c++) { byClass.push([]); emptyByClass.push(0); }
  D.clauses.forEach(function (cl) {
    clauseById.set(cl.id, cl);
    if (cl.class >= NC) return;
    if (cl.positive.length + cl.negated.length === 0) { emptyByClass[cl.class]++; return; }
    byClass[cl.class].push(cl);
  });
  byClass.forEach(function (list) {
    list.sort(function (a, b) { return b.weight - a.weight || a.id - b.id; });
  });
  function vote(cl) { return (cl.polarity < 0 ? -1 : 1) * cl.weight; }
  var featureId = new Map();
  D.features.forEach(function (t, i) { if (!featureId.has(t)) featureId.set(t, i); });
  var stop = new Set(TK.stop_words);
  var maxWeight = 1;
  D.clauses.forEach(function (cl) { if (cl.weight > maxWeight) maxWeight = cl.weight; });

  // ---------- Tokenizer + evaluator (twin of eval.rs) ----------
  var segmenter = (typeof Intl !== 'undefined' && Intl.Segmenter) ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;
  function tokens(text) {
    if (TK.strip_html_breaks) {
      // Same-length blanks keep indices pointing into the original text.
      text = text.replace(/<br[ \t\n\r\f]*\/?>/gi, function (m) { return ' '.repeat(m.length); });
    }
    var out = [];
    for (var s of segmenter.segment(text)) {
      if (!s.isWordLike) continue;
      var t = TK.lowercase ? s.segment.toLowerCase() : s.segment;
      if (stop.has(t)) continue;
      out.push({ t: t, a: s.index, b: s.index + s.segment.length });
    }
    return out;
  }
  // Spans use UTF-16 indices internally (a, b).
  function spansOf(text) {
    var toks = tokens(text), n = Math.max(1, TK.ngram_max), out = [];
    for (var i = 0; i < toks.length; i++) {
      var joined = '';
      for (var k = 0; k < n && i + k < toks.length; k++) {
        joined = k === 0 ? toks[i].t : joined + ' ' + toks[i + k].t;
        var f = featureId.get(joined);
        if (f !== undefined) out.push({ a: toks[i].a, b: toks[i + k].b, feature: f });
      }
    }
    return out;
  }
  function evaluate(text) {
    var spans = spansOf(text);
    var present = new Set(spans.map(function (s) { return s.feature; }));
    var sums = new Array(NC).fill(0), fired = [];
    for (var i = 0; i < D.clauses.length; i++) {
      var cl = D.clauses[i];
      if (cl.class >= NC || cl.positive.length + cl.negated.length === 0) continue;
      var ok = true, j;
      for (j = 0; ok && j < cl.positive.length; j++) ok = present.has(cl.positive[j]);
      for (j = 0; ok && j < cl.negated.length; j++) ok = !present.has(cl.negated[j]);
      if (ok) { sums[cl.class] += vote(cl); fired.push({ clause_id: cl.id, vote: vote(cl) }); }
    }
    return { text: text, spans: spans, class_sums: sums, predicted: argmax(sums), predicted_labels: ML ? decideSet(sums) : null, fired: fired, true_label: null };
  }
  function argmax(sums) {
    var best = 0;
    for (var i = 1; i < sums.length; i++) if (sums[i] > sums[best]) best = i;
    return best;
  }
  // The decision of the model (twin of MultiLabelSpec::decide): strictly above the threshold.
  function decideSet(sums) {
    if (!ML) return [argmax(sums)];
    var out = [];
    for (var i = 0; i < sums.length; i++) if (sums[i] > ML.thresholds[i]) out.push(i);
    return out;
  }
  // Predicted and true label sets of a document, ascending (single-label: one class each).
  function predSet(doc) { return doc.predicted_labels != null ? doc.predicted_labels : [doc.predicted]; }
  function trueSet(doc) { return doc.true_labels != null ? doc.true_labels : doc.true_label != null ? [doc.true_label] : null; }
  function setNames(set) { return set.length ? set.map(cname).join(', ') : 'no label'; }
  function sameSet(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }
  function isWrong(doc) { var t = trueSet(doc); return t != null && !sameSet(t, predSet(doc)); }
  // Exported documents carry UTF-8 byte offsets; convert once per document.
  function byteToIndex(text) {
    var map = new Map(), byte = 0, i = 0;
    while (i < text.length) {
      map.set(byte, i);
      var cp = text.codePointAt(i);
      byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp >= 0x10000 ? 2 : 1;
    }
    map.set(byte, i);
    return map;
  }
  function docSpans(doc) {
    var m = byteToIndex(doc.text), out = [];
    doc.spans.forEach(function (s) {
      var a = m.get(s.start_byte), b = m.get(s.end_byte);
      if (a !== undefined && b !== undefined && a < b) out.push({ a: a, b: b, feature: s.feature });
    });
    return out;
  }

  // ---------- Rule rendering ----------
  // Compact view (the default): the positive literals and the first COMPACT_NOT negated ones
  // (the producer lists negations most decisive first), the rest counted, never dropped
  // silently; state.allLits shows every literal (for auditors). A negation that matches the
  // word filter is always shown.
  function ruleHtml(cl, words) {
    var parts = [];
    function lit(f, neg) {
      var t = esc(feat(f));
      if (words) t = markWords(t, words);
      return neg ? '<span class="lit neg"><span class="not">NOT</span> ' + t + '</span>' : '<span class="lit">' + t + '</span>';
    }
    cl.positive.forEach(function (f) { parts.push(lit(f, false)); });
    var hidden = 0;
    cl.negated.forEach(function (f, i) {
      var matches = words && words.length && words.some(function (w) { return feat(f).toLowerCase().indexOf(w) >= 0; });
      if (state.allLits || i < COMPACT_NOT || matches) parts.push(lit(f, true));
      else hidden += 1;
    });
    if (hidden) parts.push('<span class="lit more-lits" data-testid="hidden-literals" title="' + hidden + ' more negated words; tick &quot;all literals&quot; to see them">+' + hidden + ' more NOT</span>');
    var concl = cl.polarity < 0
      ? '<span class="concl against">NOT ' + esc(cname(cl.class)) + '</span>'
      : '<span class="concl for">' + esc(cname(cl.class)) + '</span>';
    return '<span class="rule-text">' + (parts.length ? parts.join(' <span class="op">AND</span> ') : '<span class="empty">(always)</span>') +
      ' <span class="arrow">→</span> ' + concl + '</span>';
  }
  // Highlights filter words inside already-escaped literal text.
  function markWords(escaped, words) {
    words.forEach(function (w) {
      var ew = esc(w);
      if (!ew) return;
      var lower = escaped.toLowerCase(), out = '', i = 0, k;
      while ((k = lower.indexOf(ew, i)) >= 0) {
        out += escaped.slice(i, k) + '<mark class="hit">' + escaped.slice(k, k + ew.length) + '</mark>';
        i = k + ew.length;
      }
      escaped = out + escaped.slice(i);
    });
    return escaped;
  }
  function clauseMatches(cl, words) {
    return words.every(function (w) {
      return cl.positive.some(function (f) { return feat(f).toLowerCase().indexOf(w) >= 0; }) ||
        cl.negated.some(function (f) { return feat(f).toLowerCase().indexOf(w) >= 0; });
    });
  }

  // ---------- Tabs & deep links ----------
  var state = { tab: 'overview', cls: 0, filter: '', polarity: 'all', doc: 0, shownRules: PAGE, allLits: false };
  function showTab(name) {
    state.tab = name;
    document.querySelectorAll('.tab').forEach(function (b) { b.setAttribute('aria-selected', String(b.dataset.tab === name)); });
    document.querySelectorAll('.panel').forEach(function (p) { p.hidden = p.dataset.panel !== name; });
  }
  function writeHash() {
    var p = new URLSearchParams();
    p.set('tab', state.tab);
    if (state.tab === 'rules') { p.set('class', state.cls); if (state.filter) p.set('filter', state.filter); }
    if (state.allLits) p.set('all', '1');
    if (state.tab === 'documents') p.set('doc', state.doc);
    try { history.replaceState(null, '', '#' + p.toString()); } catch (e) { /* file:// in some browsers */ }
  }
  document.querySelectorAll('.tab').forEach(function (b) {
    b.addEventListener('click', function () { showTab(b.dataset.tab); writeHash(); });
  });

  // ---------- Overview ----------
  function renderOverview() {
    var M = D.metrics;
    var nRules = byClass.reduce(function (s, l) { return s + l.length; }, 0);
    // Rule length: literals per non-empty clause, and the vote share of short clauses.
    var lens = [], wAll = 0, wShort = 0;
    byClass.forEach(function (l) {
      l.forEach(function (cl) {
        var n = cl.positive.length + cl.negated.length;
        lens.push(n); wAll += cl.weight; if (n <= SHORT_RULE) wShort += cl.weight;
      });
    });
    lens.sort(function (a, b) { return a - b; });
    var meanLen = lens.length ? lens.reduce(function (s, n) { return s + n; }, 0) / lens.length : 0;
    var medLen = !lens.length ? 0 : lens.length % 2 ? lens[(lens.length - 1) / 2] : (lens[lens.length / 2 - 1] + lens[lens.length / 2]) / 2;
    var cards = [
      [ML ? 'Labels' : 'Classes', NC, D.classes.slice(0, 4).join(', ') + (NC > 4 ? ', …' : '') + (ML ? ' · several per document' : '')],
      ['Rules', nRules, D.features.length + ' features'],
      ['Rule length', meanLen.toFixed(1), 'literals on average (median ' + medLen + ', longest ' + (lens.length ? lens[lens.length - 1] : 0) + ') · ' +
        (wAll ? Math.round(100 * wShort / wAll) : 0) + ' % of the vote from rules of ≤ ' + SHORT_RULE + ' literals'],
      ['Documents', D.documents.length, 'with explanations'],
    ];
    var MM = M && M.multi_label;
    if (MM) {
      cards.push(['Micro F1', pct(MM.micro_f1), 'P ' + pct(MM.micro_precision) + ' · R ' + pct(MM.micro_recall) + ' over every document and label']);
      cards.push(['Macro F1', pct(M.macro_f1), 'mean over labels · P ' + pct(M.macro_precision) + ' · R ' + pct(M.macro_recall)]);
      cards.push(['Subset accuracy', pct(M.accuracy), 'documents whose label set is exactly right · example F1 ' + pct(MM.example_f1)]);
      cards.push(['Hamming loss', MM.hamming_loss.toFixed(4), 'share of wrong (document, label) decisions']);
    } else if (M) {
      cards.push(['Accuracy', pct(M.accuracy), 'on the evaluated data']);
      cards.push(['Macro F1', pct(M.macro_f1), 'P ' + pct(M.macro_precision) + ' · R ' + pct(M.macro_recall)]);
    }
    $('stat-cards').innerHTML = cards.map(function (c) {
      return '<div class="stat"><div class="label">' + esc(c[0]) + '</div><div class="value">' + esc(c[1]) +
        '</div><div class="sub">' + esc(c[2]) + '</div></div>';
    }).join('');
    if (ML) {
      // No confusion matrix for label sets: the card says how a label is decided instead.
      $('confusion-title').textContent = 'How labels are decided';
      $('confusion-hint').textContent = 'A label is predicted when its score is above its threshold (several labels, or none, per document). Thresholds chosen on ' + ML.chosen_on + '. A confusion matrix is not defined for label sets.';
      $('confusion').innerHTML = '<table data-testid="thresholds"><thead><tr><th>Label</th><th class="num">Threshold</th></tr></thead><tbody>' +
        ML.thresholds.map(function (t, i) { return '<tr><td>' + esc(cname(i)) + '</td><td class="num">' + signed(t) + '</td></tr>'; }).join('') + '</tbody></table>';
    } else if (M && M.confusion.length) {
      var max = 1;
      M.confusion.forEach(function (r) { r.forEach(function (v) { if (v > max) max = v; }); });
      var h = '<table class="confusion"><thead><tr><th></th>' + D.classes.map(function (n) { return '<th>' + esc(n) + '</th>'; }).join('') + '</tr></thead><tbody>';
      M.confusion.forEach(function (row, i) {
        h += '<tr><th class="rowh">' + esc(cname(i)) + '</th>';
        row.forEach(function (v, j) {
          var a = v / max, bg = i === j ? 'rgba(19,122,75,' + (0.08 + 0.8 * a).toFixed(3) + ')' : 'rgba(180,35,24,' + (v ? 0.06 + 0.75 * a : 0).toFixed(3) + ')';
          var fg = a > 0.55 ? '#fff' : '#1c2433';
          h += '<td style="background:' + bg + ';color:' + fg + '" title="true ' + esc(cname(i)) + ', predicted ' + esc(cname(j)) + '">' + v + '</td>';
        });
        h += '</tr>';
      });
      $('confusion').innerHTML = h + '</tbody></table>';
    } else {
      $('confusion').innerHTML = '<p class="empty">No labelled evaluation data.</p>';
    }
    if (ML) $('per-class-title').textContent = 'Per-label quality';
    if (M) {
      $('per-class').innerHTML = '<table><thead><tr><th>' + (ML ? 'Label' : 'Class') + '</th><th class="num">Precision</th><th class="num">Recall</th><th class="num">F1</th><th class="num">Support</th></tr></thead><tbody>' +
        M.per_class.map(function (m, i) {
          return '<tr><td><i style="display:inline-block;width:.7rem;height:.7rem;border-radius:2px;margin-right:.4rem;background:' + color(i) + '"></i>' + esc(cname(i)) +
            '</td><td class="num">' + pct(m.precision) + '</td><td class="num">' + pct(m.recall) + '</td><td class="num"><b>' + pct(m.f1) + '</b></td><td class="num">' + m.support + '</td></tr>';
        }).join('') + '</tbody></table>';
    } else {
      $('per-class').innerHTML = '<p class="empty">No labelled evaluation data.</p>';
    }
    $('learning-curve').innerHTML = curveSvg(D.learning_curve);
    $('settings').innerHTML = D.settings.length
      ? '<dl class="settings">' + D.settings.map(function (s) { return '<dt>' + esc(s.key) + '</dt><dd>' + esc(s.value) + '</dd>'; }).join('') + '</dl>'
      : '<p class="empty">No settings recorded.</p>';
  }
  function curveSvg(pts) {
    if (!pts.length) return '<p class="empty">No learning curve recorded.</p>';
    var W = 560, H = 240, L = 44, R = 12, T = 12, B = 30;
    var vals = [];
    pts.forEach(function (p) { [p.train_accuracy, p.valid_accuracy].forEach(function (v) { if (v != null) vals.push(v); }); });
    // Epochs without any figure (a final model trained on every document has none left to
    // score): say so rather than draw empty axes.
    if (!vals.length) return '<p class="empty" data-testid="no-curve">' + pts.length + ' epochs trained; no ' + CURVE + ' was measured per epoch (a final model trained on every training document has none left to score).</p>';
    var lo = Math.min.apply(null, vals.concat([1])), hi = Math.max.apply(null, vals.concat([0]));
    lo = Math.max(0, Math.floor(lo * 10) / 10); hi = Math.min(1, Math.ceil(hi * 10) / 10);
    if (hi <= lo) { hi = Math.min(1, lo + 0.1); lo = hi - 0.1; }
    var e0 = pts[0].epoch, e1 = pts[pts.length - 1].epoch;
    function x(e) { return L + (e1 === e0 ? 0.5 : (e - e0) / (e1 - e0)) * (W - L - R); }
    function y(v) { return T + (1 - (v - lo) / (hi - lo)) * (H - T - B); }
    var s = '<svg class="chart" viewBox="0 0 ' + W + ' ' + H + '" width="100%" role="img" aria-label="' + CURVE + ' per epoch">';
    var step = hi - lo > 0.3 ? 0.1 : 0.05;
    for (var v = lo; v <= hi + 1e-9; v += step) {
      s += '<line class="grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + y(v) + '" y2="' + y(v) + '"/><text x="' + (L - 6) + '" y="' + (y(v) + 4) + '" text-anchor="end">' + Math.round(100 * v) + '%</text>';
    }
    var ticks = Math.min(pts.length, 8);
    for (var t = 0; t < ticks; t++) {
      var p = pts[Math.round(t * (pts.length - 1) / Math.max(1, ticks - 1))];
      s += '<text x="' + x(p.epoch) + '" y="' + (H - 10) + '" text-anchor="middle">' + p.epoch + '</text>';
    }
    s += '<line class="axis" x1="' + L + '" x2="' + (W - R) + '" y1="' + (H - B) + '" y2="' + (H - B) + '"/>';
    [['train_accuracy', '#2f5bd3', 'train'], ['valid_accuracy', '#d97706', 'validation']].forEach(function (k) {
      var d = '', dots = '';
      pts.forEach(function (p) {
        if (p[k[0]] == null) return;
        d += (d ? 'L' : 'M') + x(p.epoch).toFixed(1) + ' ' + y(p[k[0]]).toFixed(1);
        dots += '<circle cx="' + x(p.epoch).toFixed(1) + '" cy="' + y(p[k[0]]).toFixed(1) + '" r="2.5" fill="' + k[1] + '"><title>epoch ' + p.epoch + ': ' + pct(p[k[0]]) + ' ' + k[2] + (p.seconds == null ? '' : ' (' + p.seconds.toFixed(1) + ' s)') + '</title></circle>';
      });
      if (d) s += '<path d="' + d + '" fill="none" stroke="' + k[1] + '" stroke-width="2"/>' + (pts.length <= 60 ? dots : '');
    });
    s += '</svg><div class="legend"><span><i style="background:#2f5bd3"></i>train ' + CURVE + '</span><span><i style="background:#d97706"></i>validation ' + CURVE + '</span>' +
      (ML ? '<span>at every threshold 0, while training</span>' : '') + '<span>x: epoch</span></div>';
    return s;
  }

  // ---------- Rules tab ----------
  var wordCache = [];
  // Net influence of each literal on a class: sum of polarity * weight over
  // the class's clauses that contain it (computed once per class, on demand).
  function classWords(c) {
    if (wordCache[c]) return wordCache[c];
    var m = new Map();
    byClass[c].forEach(function (cl) {
      var v = vote(cl);
      cl.positive.forEach(function (f) { m.set('p' + f, (m.get('p' + f) || 0) + v); });
      cl.negated.forEach(function (f) { m.set('n' + f, (m.get('n' + f) || 0) + v); });
    });
    var all = Array.from(m, function (e) { return { neg: e[0][0] === 'n', f: +e[0].slice(1), v: e[1] }; });
    var pos = all.filter(function (w) { return w.v > 0; }).sort(function (a, b) { return b.v - a.v || a.f - b.f; }).slice(0, 12);
    var neg = all.filter(function (w) { return w.v < 0; }).sort(function (a, b) { return a.v - b.v || a.f - b.f; }).slice(0, 12);
    return (wordCache[c] = { pos: pos, neg: neg });
  }
  function wordList(list, cls) {
    if (!list.length) return '<p class="empty">None.</p>';
    var max = Math.abs(list[0].v) || 1;
    return '<ul class="' + cls + '">' + list.map(function (w) {
      var label = w.neg ? '<span class="lit neg"><span class="not">NOT</span> ' + esc(feat(w.f)) + '</span>' : '<span class="lit">' + esc(feat(w.f)) + '</span>';
      return '<li data-testid="class-word"><span>' + label + '</span><span class="bar" style="width:' + (100 * Math.abs(w.v) / max).toFixed(1) + '%"></span><span class="val">' + signed(w.v) + '</span></li>';
    }).join('') + '</ul>';
  }
  function renderRules(reset) {
    if (reset) state.shownRules = PAGE;
    var c = state.cls;
    if (NC === 0) { $('rule-list').innerHTML = ''; $('rule-count').textContent = 'No classes.'; return; }
    var words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
    var list = byClass[c].filter(function (cl) {
      if (state.polarity === 'pos' && cl.polarity < 0) return false;
      if (state.polarity === 'neg' && cl.polarity >= 0) return false;
      return !words.length || clauseMatches(cl, words);
    });
    var shown = list.slice(0, state.shownRules);
    $('rules-heading').textContent = 'Rules for ' + cname(c);
    // The class's (label's) own figures beside its rules.
    var q = [], pc = D.metrics && D.metrics.per_class[c];
    if (pc) q.push('precision ' + pct(pc.precision), 'recall ' + pct(pc.recall), 'F1 ' + pct(pc.f1), pc.support + ' documents');
    if (ML) q.push('predicted when the score is above ' + signed(ML.thresholds[c]));
    $('class-quality').textContent = q.length ? cname(c) + ': ' + q.join(' · ') : '';
    var rc = $('rule-count');
    rc.dataset.total = list.length;
    rc.dataset.shown = shown.length;
    rc.textContent = 'showing ' + shown.length + ' of ' + list.length + ' rules' +
      (emptyByClass[c] ? ' · ' + emptyByClass[c] + ' empty clauses hidden (they never vote)' : '');
    $('rule-list').innerHTML = shown.length ? shown.map(function (cl) {
      return '<tr data-testid="rule" data-clause-id="' + cl.id + '"><td class="num id">' + cl.id + '</td><td>' + ruleHtml(cl, words) +
        '</td><td class="num"><span class="vote ' + (cl.polarity < 0 ? 'against' : 'for') + '">' + signed(vote(cl)) + '</span><span class="wbar" style="width:' + Math.max(2, 50 * cl.weight / maxWeight).toFixed(0) + 'px"></span></td><td class="num">' +
        (cl.coverage == null ? '–' : cl.coverage) + '</td><td class="num">' + pct(cl.precision) + '</td></tr>';
    }).join('') : '<tr><td colspan="5" class="empty">No rule matches.</td></tr>';
    var more = $('rules-more');
    more.hidden = shown.length >= list.length;
    more.textContent = 'Show ' + Math.min(PAGE, list.length - shown.length) + ' more';
    var cw = classWords(c);
    $('class-words').innerHTML = '<div><h3>Points to ' + esc(cname(c)) + '</h3>' + wordList(cw.pos, 'for') +
      '</div><div><h3>Points away from ' + esc(cname(c)) + '</h3>' + wordList(cw.neg, 'against') + '</div>';
  }
  $('class-select').innerHTML = D.classes.map(function (n, i) { return '<option value="' + i + '">' + esc(n) + ' (' + byClass[i].length + ' rules)</option>'; }).join('');
  $('class-select').addEventListener('change', function (e) { state.cls = +e.target.value; renderRules(true); writeHash(); });
  var filterTimer = 0;
  $('rule-filter').addEventListener('input', function (e) {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () { state.filter = e.target.value.trim(); renderRules(true); writeHash(); }, 120);
  });
  $('rule-polarity').addEventListener('change', function (e) { state.polarity = e.target.value; renderRules(true); });
  $('rules-more').addEventListener('click', function () { state.shownRules += PAGE; renderRules(false); });
  $('all-literals').addEventListener('change', function (e) {
    state.allLits = e.target.checked; renderRules(false); if (D.documents.length) renderDoc(); writeHash();
  });

  // ---------- Document view (shared by data documents and pasted text) ----------
  // Colour each highlighted stretch by the net vote of fired clauses that use
  // it as a positive literal: for the predicted class (green) or against it.
  function highlightHtml(doc, spans) {
    // A vote for a predicted class (label) supports the prediction; a vote for any other
    // argues against it (for a label set: for a label the model did not decide).
    var firedByFeature = new Map(), inPred = new Set(predSet(doc));
    var predWord = ML ? 'the predicted labels' : cname(doc.predicted);
    doc.fired.forEach(function (fc) {
      var cl = clauseById.get(fc.clause_id);
      if (!cl) return;
      var towardPred = inPred.has(cl.class) ? fc.vote : -fc.vote;
      cl.positive.forEach(function (f) {
        var e = firedByFeature.get(f) || { v: 0, n: 0 };
        e.v += towardPred; e.n++;
        firedByFeature.set(f, e);
      });
    });
    var text = doc.text, bounds = new Set([0, text.length]), used = [];
    spans.forEach(function (s) { if (firedByFeature.has(s.feature)) { used.push(s); bounds.add(s.a); bounds.add(s.b); } });
    var cuts = Array.from(bounds).sort(function (a, b) { return a - b; });
    var maxAbs = 1;
    firedByFeature.forEach(function (e) { if (Math.abs(e.v) > maxAbs) maxAbs = Math.abs(e.v); });
    var out = '', k = 0;
    used.sort(function (a, b) { return a.a - b.a; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1], piece = esc(text.slice(a, b));
      // Breaks the tokenizer treats as spaces read best as line breaks.
      if (TK.strip_html_breaks) piece = piece.replace(/&lt;br[ \t\n\r\f]*\/?&gt;/gi, '\n');
      while (k < used.length && used[k].b <= a) k++;
      var v = 0, tips = [];
      for (var j = k; j < used.length && used[j].a < b; j++) {
        if (used[j].a <= a && used[j].b >= b) {
          var e = firedByFeature.get(used[j].feature);
          v += e.v;
          tips.push('“' + feat(used[j].feature) + '” in ' + e.n + ' fired rule' + (e.n > 1 ? 's' : '') + ', net ' + signed(e.v) + ' for ' + predWord);
        }
      }
      if (!tips.length) { out += piece; continue; }
      var alpha = (0.18 + 0.6 * Math.min(1, Math.abs(v) / maxAbs)).toFixed(2);
      var bg = v >= 0 ? 'rgba(34,160,100,' + alpha + ')' : 'rgba(220,70,55,' + alpha + ')';
      out += '<span class="hl" data-testid="hl" style="background:' + bg + '" title="' + esc(tips.join('\n')) + '">' + piece + '</span>';
    }
    return out;
  }
  function sumsHtml(doc, id) {
    var max = 1, inPred = new Set(predSet(doc));
    var marks = ML ? ML.thresholds : [];
    doc.class_sums.concat(marks).forEach(function (s) { if (Math.abs(s) > max) max = Math.abs(s); });
    var hasNeg = doc.class_sums.concat(marks).some(function (s) { return s < 0; });
    var zero = hasNeg ? 50 : 0, span = hasNeg ? 50 : 100;
    return '<div class="sums" id="' + id + '">' + doc.class_sums.map(function (s, i) {
      var w = span * Math.abs(s) / max, left = s >= 0 ? zero : zero - w, pred = inPred.has(i);
      // A multi-label bar carries its threshold as a dark mark: predicted when the bar passes it.
      var thr = ML ? '<span class="thr" style="left:' + (zero + span * ML.thresholds[i] / max).toFixed(1) + '%" title="threshold ' + signed(ML.thresholds[i]) + '"></span>' : '';
      return '<div class="sum-row' + (pred ? ' pred' : '') + '" data-testid="class-sum" data-class="' + i + '" data-sum="' + s + '"' + (ML ? ' data-threshold="' + ML.thresholds[i] + '"' : '') + '><span class="cname">' + esc(cname(i)) +
        '</span><span class="track"><span class="fill" style="left:' + left.toFixed(1) + '%;width:' + w.toFixed(1) + '%;background:' + color(i) + (pred ? '' : ';opacity:.55') + '"></span>' +
        (hasNeg ? '<span class="zero" style="left:50%"></span>' : '') + thr + '</span><span class="v">' + signed(s) + '</span></div>';
    }).join('') + '</div>';
  }
  function firedRows(list, cap) {
    return list.slice(0, cap).map(function (fc) {
      var cl = clauseById.get(fc.clause_id);
      return '<tr data-testid="fired" data-clause-id="' + fc.clause_id + '"><td class="num id">' + fc.clause_id + '</td><td>' + (cl ? ruleHtml(cl, null) : '<span class="empty">unknown clause</span>') +
        '</td><td class="num"><span class="vote ' + (fc.vote < 0 ? 'against' : 'for') + '">' + signed(fc.vote) + '</span></td></tr>';
    }).join('');
  }
  function firedTable(title, list, key) {
    if (!list.length) return '<h3>' + esc(title) + '</h3><p class="empty">None.</p>';
    var h = '<h3>' + esc(title) + ' <span class="muted">(' + list.length + ')</span></h3><table class="rules"><tbody data-list="' + key + '">' + firedRows(list, FIRED_CAP) + '</tbody></table>';
    if (list.length > FIRED_CAP) h += '<div class="more"><button class="btn" data-more="' + key + '">Show all ' + list.length + '</button></div>';
    return h;
  }
  function byAbsVote(a, b) { return Math.abs(b.vote) - Math.abs(a.vote) || a.clause_id - b.clause_id; }
  function renderDocInto(el, doc, spans, opts) {
    var pred = doc.predicted, truth = doc.true_label;
    var P = predSet(doc), TS = trueSet(doc);
    var missed = TS ? TS.filter(function (c) { return P.indexOf(c) < 0; }) : [];
    var extra = TS ? P.filter(function (c) { return TS.indexOf(c) < 0; }) : [];
    var wrong = isWrong(doc);
    var groups = [];
    for (var c = 0; c < NC; c++) groups.push([]);
    doc.fired.forEach(function (fc) { var cl = clauseById.get(fc.clause_id); if (cl && cl.class < NC) groups[cl.class].push(fc); });
    groups.forEach(function (g) { g.sort(byAbsVote); });
    var lists = {};
    // Left: the text, why it went wrong, the fired rules; right (sticky): the verdict.
    var h = '<div class="doc-grid"><div class="doc-main"><div class="card"><h2>' + esc(opts.title) + '</h2><div class="doc-text" data-testid="doc-text">' + highlightHtml(doc, spans) +
      '</div><div class="legend"><span><i style="background:rgba(34,160,100,.6)"></i>supports the prediction</span><span><i style="background:rgba(220,70,55,.6)"></i>argues against it</span><span>hover a word for details</span></div></div>';
    if (ML) {
      // One box per wrong decision: a missed label and the votes that kept it below its
      // threshold, an extra label and the votes that carried it above.
      missed.forEach(function (m) {
        lists['miss' + m] = groups[m].filter(function (f) { return f.vote < 0; });
        h += '<div class="card callout" data-testid="why-missed" data-class="' + m + '"><h2>Why not ' + esc(cname(m)) + '?</h2><p class="hint">The document carries ' + esc(cname(m)) +
          ', but its score (' + signed(doc.class_sums[m]) + ') is not above the threshold (' + signed(ML.thresholds[m]) + '). Rules that fired against it:</p>' +
          firedTable('Rules against ' + cname(m), lists['miss' + m], 'miss' + m) + '</div>';
      });
      extra.forEach(function (e) {
        lists['extra' + e] = groups[e].filter(function (f) { return f.vote > 0; });
        h += '<div class="card callout" data-testid="why-extra" data-class="' + e + '"><h2>Why ' + esc(cname(e)) + '?</h2><p class="hint">The document does not carry ' + esc(cname(e)) +
          ', but its score (' + signed(doc.class_sums[e]) + ') is above the threshold (' + signed(ML.thresholds[e]) + '). Rules that fired for it:</p>' +
          firedTable('Rules for ' + cname(e), lists['extra' + e], 'extra' + e) + '</div>';
      });
    } else if (wrong) {
      lists.wrong = groups[pred].filter(function (f) { return f.vote > 0; }).concat(groups[truth].filter(function (f) { return f.vote < 0; })).sort(byAbsVote);
      h += '<div class="card callout"><h2>Why not ' + esc(cname(truth)) + '?</h2><p class="hint">Rules that fired and pulled toward ' + esc(cname(pred)) + ' or away from ' + esc(cname(truth)) + '.</p>' +
        firedTable('Misleading rules', lists.wrong, 'wrong') + '</div>';
    }
    h += '<div class="card"><h2>Rules that fired</h2><p class="hint">' + doc.fired.length + ' of ' + D.clauses.length + ' clauses fired on this text, grouped by the class they vote on.</p>';
    var order = P.concat(Array.from({ length: NC }, function (_, i) { return i; }).filter(function (i) { return P.indexOf(i) < 0; }));
    order.forEach(function (c) {
      lists['c' + c] = groups[c];
      h += firedTable(cname(c) + (P.indexOf(c) >= 0 ? ' · predicted' : '') + ' · score ' + signed(doc.class_sums[c]) + (ML ? ' (threshold ' + signed(ML.thresholds[c]) + ')' : ''), groups[c], 'c' + c);
    });
    var verdict;
    if (ML) {
      verdict = '<span class="muted">Predicted labels</span><span class="big" id="' + opts.predId + '" data-labels="' + esc(JSON.stringify(P)) + '" style="color:' + (P.length ? color(P[0]) : '#667085') + '">' + esc(setNames(P)) + '</span>' +
        (TS == null ? '' : !wrong ? '<span class="badge ok">CORRECT</span>' : '<span class="badge bad">WRONG · true: ' + esc(setNames(TS)) + '</span>' +
          (missed.length ? '<span class="muted">missed: ' + esc(setNames(missed)) + '</span>' : '') + (extra.length ? '<span class="muted">extra: ' + esc(setNames(extra)) + '</span>' : ''));
    } else {
      verdict = '<span class="muted">Prediction</span><span class="big" id="' + opts.predId + '" style="color:' + color(pred) + '">' + esc(cname(pred)) + '</span>' +
        (truth != null ? (wrong ? '<span class="badge bad">WRONG · true: ' + esc(cname(truth)) + '</span>' : '<span class="badge ok">CORRECT</span>') : '');
    }
    var rule = ML
      ? 'Score = sum of the votes of the rules that fired for each label; a label is predicted when its score is above its threshold (the dark mark on its bar).'
      : 'Score = sum of the votes of the rules that fired for each class; the highest score wins (ties go to the first class).';
    h += '</div></div><div class="doc-side"><div class="card"><div class="verdict">' + verdict + '</div>' +
      '<h3>' + (ML ? 'Label' : 'Class') + ' scores</h3>' + sumsHtml(doc, opts.sumsId) + '<p class="hint" style="margin-top:.6rem">' + rule + '</p></div></div></div>';
    el.innerHTML = h;
    el.querySelectorAll('button[data-more]').forEach(function (b) {
      b.addEventListener('click', function () {
        var key = b.dataset.more;
        el.querySelector('tbody[data-list="' + key + '"]').innerHTML = firedRows(lists[key], Infinity);
        b.remove();
      });
    });
  }

  // ---------- Documents tab ----------
  function docLabel(d, i) {
    var t = trueSet(d), mark = t == null ? '' : isWrong(d) ? '✗ ' : '✓ ';
    return mark + d.id + ' — predicted ' + setNames(predSet(d)) + (t == null ? '' : ', true ' + setNames(t));
  }
  function fillDocSelect() {
    var only = $('doc-wrong-only').checked;
    $('doc-select').innerHTML = D.documents.map(function (d, i) {
      if (only && !isWrong(d) && i !== state.doc) return '';
      return '<option value="' + i + '">' + esc(docLabel(d, i)) + '</option>';
    }).join('');
    $('doc-select').value = String(state.doc);
  }
  function renderDoc() {
    var d = D.documents[state.doc];
    if (!d) { $('doc-view').innerHTML = '<div class="card"><p class="empty">No documents in this report.</p></div>'; return; }
    $('doc-select').value = String(state.doc);
    renderDocInto($('doc-view'), d, docSpans(d), { title: 'Document ' + d.id, predId: 'predicted', sumsId: 'class-sums' });
  }
  function stepDoc(dir) {
    var opts = $('doc-select').options, idx = $('doc-select').selectedIndex + dir;
    if (idx >= 0 && idx < opts.length) { state.doc = +opts[idx].value; renderDoc(); writeHash(); }
  }
  $('doc-select').addEventListener('change', function (e) { state.doc = +e.target.value; renderDoc(); writeHash(); });
  $('doc-wrong-only').addEventListener('change', fillDocSelect);
  $('doc-prev').addEventListener('click', function () { stepDoc(-1); });
  $('doc-next').addEventListener('click', function () { stepDoc(1); });

  // ---------- Try text ----------
  function runPaste() {
    var text = $('paste-input').value, res = $('paste-result');
    if (!text.trim()) { res.innerHTML = ''; delete res.dataset.predicted; return; }
    var r = evaluate(text);
    res.dataset.predicted = r.predicted;
    res.dataset.sums = JSON.stringify(r.class_sums);
    if (ML) res.dataset.labels = JSON.stringify(r.predicted_labels);
    // Sorted feature ids found in the text: lets tests compare the tokenizer itself.
    res.dataset.features = JSON.stringify(Array.from(new Set(r.spans.map(function (s) { return s.feature; }))).sort(function (a, b) { return a - b; }));
    renderDocInto(res, r, r.spans, { title: 'Your text', predId: 'paste-predicted', sumsId: 'paste-sums' });
  }
  var pasteOk = !TK.stem && segmenter;
  if (!pasteOk) {
    $('paste-input').disabled = true;
    $('paste-run').disabled = true;
    $('paste-note').textContent = TK.stem
      ? 'This model was trained on stemmed words; stemming cannot be reproduced in the page, so pasted text cannot be evaluated here. Use the command-line tool instead.'
      : 'This browser lacks Intl.Segmenter (word segmentation), so pasted text cannot be evaluated here.';
  } else {
    var pasteTimer = 0;
    $('paste-run').addEventListener('click', runPaste);
    $('paste-input').addEventListener('input', function () { clearTimeout(pasteTimer); pasteTimer = setTimeout(runPaste, 250); });
  }

  // ---------- Start: apply the deep link, render the visible parts ----------
  // Deep links: #tab=overview|rules|documents|try, class=<index>,
  // filter=<words>, doc=<document id or index>, paste=<url-encoded text>, all=1 (every literal).
  var q = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
  if (q.has('class')) { var cq = parseInt(q.get('class'), 10); if (cq >= 0 && cq < NC) state.cls = cq; }
  if (q.has('filter')) { state.filter = q.get('filter'); $('rule-filter').value = state.filter; }
  if (q.has('doc')) {
    var dq = q.get('doc'), byId = D.documents.findIndex(function (d) { return d.id === dq; }), di = parseInt(dq, 10);
    if (byId >= 0) state.doc = byId; else if (di >= 0 && di < D.documents.length) state.doc = di;
  }
  state.allLits = q.get('all') === '1';
  $('all-literals').checked = state.allLits;
  var tab = q.get('tab') || (q.has('paste') ? 'try' : q.has('doc') ? 'documents' : (q.has('class') || q.has('filter')) ? 'rules' : 'overview');
  if (ML) $('class-select-label').textContent = 'Label';
  renderOverview();
  $('class-select').value = String(state.cls);
  renderRules(true);
  fillDocSelect();
  renderDoc();
  if (q.has('paste')) { $('paste-input').value = q.get('paste'); if (pasteOk) runPaste(); }
  showTab(['overview', 'rules', 'documents', 'try'].indexOf(tab) >= 0 ? tab : 'overview');
  var T1 = performance.now();
  var perf = $('perf');
  perf.dataset.initMs = (T1 - T0).toFixed(1);
  perf.dataset.loadMs = T1.toFixed(1);
  perf.textContent = 'Generated by ' + D.generated_by.tool + ' ' + D.generated_by.version + ' · page ready in ' + T1.toFixed(0) + ' ms';
})();
