// RazorpayCheckout.ts - Razorpay Checkout, loaded only when a checkout
// answers provider "razorpay" (the storefront loads nothing from outside
// otherwise). It opens Checkout with what POST /api/v1/checkout answered and
// hands back the triple its success handler gets, a failure, or the buyer
// closing it; the page verifies the triple with the API.
//
// The shop's CSP must allow it: script-src https://checkout.razorpay.com
// https://cdn.razorpay.com; frame-src https://api.razorpay.com
// https://checkout.razorpay.com; connect-src https://lumberjack.razorpay.com
// https://lumberjack-metrics.razorpay.com; img-src https://cdn.razorpay.com.
import type { components } from '../api/types';

type Payment = components['schemas']['CheckoutPayment'];

/** What Razorpay Checkout hands its success handler (post it to verify as it is). */
export interface RazorpaySuccess { razorpay_order_id: string; razorpay_payment_id: string; razorpay_signature: string }

interface RazorpayFailure { error?: { code?: string; description?: string; reason?: string } }
interface RazorpayInstance {
  open(): void;
  close(): void;
  on(event: 'payment.failed', fn: (r: RazorpayFailure) => void): void;
}
type RazorpayCtor = new (options: Record<string, unknown>) => RazorpayInstance;

declare global {
  interface Window { Razorpay?: RazorpayCtor }
}

export const RAZORPAY_SCRIPT = 'https://checkout.razorpay.com/v1/checkout.js';

let loading: Promise<RazorpayCtor> | null = null;

/** Loads checkout.js once (a failed load may be tried again). */
export function loadRazorpay(timeoutMs = 20000): Promise<RazorpayCtor> {
  if (window.Razorpay) return Promise.resolve(window.Razorpay);
  loading ??= new Promise<RazorpayCtor>((resolve, reject) => {
    const s = document.createElement('script');
    const fail = () => {
      clearTimeout(timer);
      s.remove();
      loading = null;
      reject(new Error('Razorpay Checkout could not be loaded. Check your connection (or a content blocker) and try again; you have not been charged.'));
    };
    const timer = setTimeout(fail, timeoutMs);
    s.src = RAZORPAY_SCRIPT;
    s.async = true;
    s.onload = () => {
      clearTimeout(timer);
      if (window.Razorpay) resolve(window.Razorpay);
      else fail();
    };
    s.onerror = fail;
    document.head.appendChild(s);
  });
  return loading;
}

export interface RazorpayHandlers {
  /** The payment went through at Razorpay: verify this with the API. */
  onPaid: (r: RazorpaySuccess) => void;
  /** A payment attempt failed (Checkout stays open for another try). */
  onFailed: (reason: string | null) => void;
  /** The buyer closed Checkout without paying. */
  onDismissed: () => void;
}

/** Opens Razorpay Checkout for the payment of a checkout answer. */
export async function openRazorpay(payment: Payment, h: RazorpayHandlers): Promise<void> {
  const Razorpay = await loadRazorpay();
  let paid = false;
  const rzp = new Razorpay({
    key: payment.key_id,
    order_id: payment.order_id,
    amount: payment.amount,
    currency: payment.currency,
    name: payment.name,
    description: payment.description,
    prefill: { name: payment.prefill.name, email: payment.prefill.email },
    theme: { color: '#0f5c4d' },
    handler: (r: RazorpaySuccess) => { paid = true; h.onPaid(r); },
    modal: {
      ondismiss: () => { if (!paid) h.onDismissed(); },
      escape: true,
    },
  });
  rzp.on('payment.failed', (r) => h.onFailed(r.error?.description ?? null));
  rzp.open();
}
