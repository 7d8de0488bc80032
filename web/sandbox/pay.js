// The sandbox payment page: what Razorpay Checkout does, against Souk's own
// sandbox provider. POST /api/v1/payments/sandbox/pay answers what Checkout
// would hand its success handler (order id, payment id, signature), and the
// page sends that to /api/v1/payments/razorpay/verify exactly as a shop page
// does with Razorpay's answer.
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const providerOrder = params.get('order');
  const orderId = params.get('id');
  const $ = (id) => document.getElementById(id);

  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)souk_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : '';
  }

  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    let doc = null;
    try { doc = await res.json(); } catch (e) { doc = null; }
    return { status: res.status, doc };
  }

  function rupees(paise) {
    return 'Rs ' + (paise / 100).toFixed(2);
  }

  function say(text, cls) {
    const r = $('result');
    r.textContent = text;
    r.className = cls || '';
  }

  async function load() {
    if (!providerOrder || !orderId) {
      $('summary').textContent = 'This link names no order.';
      return;
    }
    const { status, doc } = await call('GET', '/api/v1/me/orders/' + encodeURIComponent(orderId));
    if (status === 401) {
      $('summary').textContent = 'Sign in first, then open this link again.';
      return;
    }
    if (status !== 200) {
      $('summary').textContent = (doc && doc.error && doc.error.message) || 'The order cannot be read.';
      return;
    }
    $('summary').textContent = 'Order ' + doc.id + ': ' + rupees(doc.total_paise) + ' (' +
      doc.status + ')';
    for (const item of doc.items) {
      const li = document.createElement('li');
      li.textContent = item.title + ' - ' + rupees(item.price_paise);
      $('items').appendChild(li);
    }
    const open = doc.status === 'pending' && doc.provider_order_id === providerOrder;
    $('pay').disabled = !open;
    $('fail').disabled = !open;
    if (!open) say('This order is ' + doc.status + '.', doc.status === 'paid' ? 'ok' : '');
  }

  async function pay(outcome) {
    $('pay').disabled = true;
    $('fail').disabled = true;
    say('Paying...');
    const made = await call('POST', '/api/v1/payments/sandbox/pay',
      { razorpay_order_id: providerOrder, outcome });
    if (made.status !== 201) {
      say((made.doc && made.doc.error && made.doc.error.message) || 'The sandbox refused.', 'error');
      return;
    }
    const v = await call('POST', '/api/v1/payments/razorpay/verify', made.doc);
    if (v.status === 200) {
      say('Paid. Your products are in your library.', 'ok');
    } else {
      say((v.doc && v.doc.error && v.doc.error.message) || 'The payment was not accepted.', 'error');
      $('pay').disabled = false;
      $('fail').disabled = false;
    }
  }

  $('pay').addEventListener('click', () => pay('pay'));
  $('fail').addEventListener('click', () => pay('fail'));
  load();
})();
