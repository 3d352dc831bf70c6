/* Northwind Supplier Hub: the browser side. Plain JavaScript, no build step.
   Ids and classes come from window.NW_SKIN so that a new skin renames them. */
(function () {
  "use strict";
  var SKIN = window.NW_SKIN || {};
  var PAGE_SIZE = 10;
  var STATUS = { open: "Open", acknowledged: "Acknowledged", delayed: "Delayed",
    partially_shipped: "Partially shipped", shipped: "Shipped" };
  var TYPES = { acknowledgment: "Order acknowledgment", shipNotice: "Ship notice",
    ship_notice: "Ship notice", delay_notice: "Delay notice" };
  var LABELS = { orderNumber: "Order number", confirmedDate: "Confirmed date",
    carrier: "Carrier", trackingNumber: "Tracking number", shipDate: "Ship date",
    quantities: "Quantities", newDate: "New delivery date", reason: "Reason",
    reasonCode: "Reason code" };

  function S(name) { return SKIN[name] || name; }
  function byId(name) { return document.getElementById(S(name)); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls.split(" ").map(S).join(" "); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function request(method, url, body) {
    var options = { method: method, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 401) {
        window.location.href = "/signin?expired=1";
        return new Promise(function () {});
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) {
        return { status: response.status, data: { error:
          "The Supplier Hub is temporarily unavailable (HTTP " + response.status +
          "). Please try again later." } };
      }
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      });
    }).catch(function () {
      return { status: 0, data: { error: "The Supplier Hub cannot be reached." } };
    });
  }

  function toast(kind, text) {
    var box = byId("toasts");
    var node = el("div", "toast toast-" + kind, text);
    node.setAttribute("role", "status");
    box.appendChild(node);
    setTimeout(function () { node.remove(); }, 8000);
  }

  function initCookieBanner() {
    var banner = byId("cookie-consent");
    if (!banner) { return; }
    banner.querySelectorAll("button[data-consent]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.cookie = "nw_cookie_consent=" + button.getAttribute("data-consent") +
          "; path=/; max-age=31536000; SameSite=Lax";
        banner.remove();
      });
    });
  }

  function badge(status) {
    var node = el("span", "status-badge", STATUS[status] || status);
    node.setAttribute("data-status", status);
    return node;
  }

  /* ---- purchase order list ------------------------------------------------ */
  function orderList() {
    var state = { items: [], query: "", page: 1 };
    var table = byId("po-table");
    var search = byId("po-search");
    request("GET", "/api/v1/purchase-orders").then(function (answer) {
      if (answer.status !== 200) { toast("error", answer.data.error); return; }
      state.items = answer.data.items;
      render();
    });
    search.addEventListener("input", function () {
      state.query = search.value.trim().toLowerCase();
      state.page = 1;
      render();
    });
    byId("po-prev").addEventListener("click", function () { state.page -= 1; render(); });
    byId("po-next").addEventListener("click", function () { state.page += 1; render(); });

    function matches(item) {
      if (!state.query) { return true; }
      var text = [item.poNumber, STATUS[item.status], item.status].concat(item.skus);
      return text.join(" ").toLowerCase().indexOf(state.query) >= 0;
    }
    function render() {
      var rows = state.items.filter(matches);
      var pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
      state.page = Math.min(Math.max(1, state.page), pages);
      var body = byId("po-tbody");
      body.textContent = "";
      rows.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE).forEach(function (item) {
        var tr = el("tr", "po-row");
        tr.setAttribute("data-po", item.poNumber);
        var first = el("td", "po-number");
        var link = el("a", "po-link", item.poNumber);
        link.href = "/app/orders/" + encodeURIComponent(item.poNumber);
        first.appendChild(link);
        tr.appendChild(first);
        tr.appendChild(el("td", "po-date", item.poDate));
        tr.appendChild(el("td", "po-requested", item.requestedDate));
        var status = el("td", "po-status");
        status.appendChild(badge(item.status));
        tr.appendChild(status);
        tr.appendChild(el("td", "po-total num", item.total + " " + item.currency));
        body.appendChild(tr);
      });
      byId("po-empty").hidden = rows.length > 0;
      byId("po-page-info").textContent = "Page " + state.page + " of " + pages;
      byId("po-prev").disabled = state.page <= 1;
      byId("po-next").disabled = state.page >= pages;
      table.setAttribute("data-loaded", "1");
    }
  }

  /* ---- purchase order detail ---------------------------------------------- */
  function orderDetail(poNumber) {
    var url = "/api/v1/purchase-orders/" + encodeURIComponent(poNumber);
    var current = null;
    request("GET", url).then(function (answer) {
      if (answer.status === 404) {
        byId("po-detail").hidden = true;
        byId("po-not-found").hidden = false;
        return;
      }
      if (answer.status !== 200) { toast("error", answer.data.error); return; }
      render(answer.data);
    });
    wireModal("modal-ack", "action-ack", url + "/acknowledgements", function (form) {
      return { orderNumber: form.orderNumber.value, confirmedDate: form.confirmedDate.value };
    });
    wireModal("modal-ship", "action-ship", url + "/ship-notices", function (form) {
      var lines = [];
      form.querySelectorAll("input." + S("ship-qty")).forEach(function (input) {
        if (input.value.trim() !== "") {
          lines.push({ line: Number(input.getAttribute("data-line")), quantity: input.value });
        }
      });
      return { carrier: form.carrier.value, trackingNumber: form.trackingNumber.value,
        shipDate: form.shipDate.value, lines: lines };
    }, fillShipLines);
    wireModal("modal-delay", "action-delay", url + "/delay-notices", function (form) {
      return { newDate: form.newDate.value, reason: form.reason.value };
    });

    function render(order) {
      current = order;
      byId("po-status").replaceWith(withId(badge(order.status), "po-status"));
      byId("po-date").textContent = order.poDate;
      byId("po-requested").textContent = order.requestedDate;
      byId("po-buyer").textContent = order.buyer;
      byId("po-shipto").textContent = order.shipTo;
      var body = byId("po-lines").querySelector("tbody");
      body.textContent = "";
      order.lines.forEach(function (line) {
        var tr = el("tr", "line-row");
        tr.setAttribute("data-line", line.line);
        [["line-no", line.line], ["line-sku", line.sku], ["line-desc", line.description],
         ["line-qty num", line.quantity], ["line-uom", line.uom],
         ["line-price num", line.unitPrice], ["line-shipped num", line.shippedQuantity]
        ].forEach(function (cell) { tr.appendChild(el("td", cell[0], cell[1])); });
        body.appendChild(tr);
      });
      renderComms(order.communications);
      byId("po-detail").setAttribute("data-loaded", "1");
    }
    function renderComms(comms) {
      var list = byId("comms");
      list.textContent = "";
      if (!comms.length) {
        list.appendChild(el("li", "comms-empty muted", "Nothing has been sent yet."));
      }
      comms.slice().reverse().forEach(function (comm) {
        var item = el("li", "comm-item");
        item.setAttribute("data-type", comm.type);
        item.appendChild(el("span", "comm-type", TYPES[comm.type] || comm.type));
        item.appendChild(el("span", "comm-date", comm.postedAt.replace("T", " ")
          .replace("+00:00", " UTC") + " · " + comm.by));
        var fields = el("div", "comm-fields");
        Object.keys(comm.fields).forEach(function (key) {
          var value = comm.fields[key];
          if (key === "lines") {
            key = "quantities";
            value = value.map(function (l) { return "line " + l.line + ": " + l.quantity; })
              .join(", ");
          }
          var field = el("span", "comm-field");
          field.setAttribute("data-field", key);
          field.appendChild(el("b", null, (LABELS[key] || key) + ": "));
          field.appendChild(el("span", "comm-value", value));
          fields.appendChild(field);
        });
        item.appendChild(fields);
        list.appendChild(item);
      });
    }
    function fillShipLines() {
      var body = byId("ship-lines");
      body.textContent = "";
      current.lines.forEach(function (line) {
        var tr = el("tr");
        tr.appendChild(el("td", null, line.line));
        tr.appendChild(el("td", null, line.sku));
        tr.appendChild(el("td", "num", line.quantity + " / shipped " + line.shippedQuantity +
          " " + line.uom));
        var cell = el("td");
        var input = el("input", "ship-qty");
        input.name = "qty-" + line.line;
        input.setAttribute("data-line", line.line);
        input.setAttribute("inputmode", "decimal");
        cell.appendChild(input);
        tr.appendChild(cell);
        body.appendChild(tr);
      });
    }
    function wireModal(modalName, buttonName, postUrl, collect, onOpen) {
      var modal = byId(modalName);
      var form = modal.querySelector("form");
      var error = modal.querySelector("." + S("modal-error"));
      byId(buttonName).addEventListener("click", function () {
        if (!current) { return; }
        form.reset();
        error.hidden = true;
        if (onOpen) { onOpen(); }
        modal.hidden = false;
        var first = form.querySelector("input, textarea");
        if (first) { first.focus(); }
      });
      modal.querySelectorAll("[data-close]").forEach(function (button) {
        button.addEventListener("click", function () { modal.hidden = true; });
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var submit = form.querySelector("button[type=submit]");
        submit.disabled = true;
        request("POST", postUrl, collect(form)).then(function (answer) {
          submit.disabled = false;
          if (answer.status === 200 || answer.status === 201) {
            modal.hidden = true;
            toast(answer.data.result === "duplicate" ? "info" : "success", answer.data.message);
            render(answer.data.purchaseOrder);
            return;
          }
          error.textContent = answer.data.error || "The request failed.";
          error.hidden = false;
        });
      });
    }
  }

  function withId(node, name) { node.id = S(name); return node; }

  initCookieBanner();
  window.NW = { orderList: orderList, orderDetail: orderDetail };
})();
