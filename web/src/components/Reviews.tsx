// Reviews.tsx - a product's ratings and reviews, for the product page: the
// summary (GET /products/{slug}/rating: average, count, stars per level),
// the approved reviews (GET /products/{slug}/reviews, "Load more"), and for
// a signed-in owner their own review (GET/PUT/DELETE /products/{slug}/review
// {rating 1-5, comment?}); a new or edited review waits for moderation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Get } from '../api/ApiService';
import { day, number, plural } from '../lib/format';
import { Link, useLocation } from '../lib/router';
import { user } from '../lib/store';
import { Button, ErrorBox, FormError, Notice, Spinner, useAction, useAsync } from '../lib/ui';
import '../styles/content.css';

type Rating = Get<'/api/v1/products/{slug}/rating'>;
type ReviewPage = Get<'/api/v1/products/{slug}/reviews'>;
type Review = ReviewPage['items'][number];
type MyReview = Get<'/api/v1/products/{slug}/review'>;

/** Stars as an image with its text (role=img: aria-label is allowed on it). */
export function RatingStars({ value, label }: { value: number; label?: string }) {
  const full = Math.max(0, Math.min(5, Math.round(value)));
  const text = label ?? `${Number.isInteger(value) ? value : value.toFixed(1)} out of 5 stars`;
  return (
    <span class="stars" role="img" aria-label={text}>
      <span aria-hidden="true">{'★'.repeat(full)}{'☆'.repeat(5 - full)}</span>
    </span>
  );
}

function Summary({ rating }: { rating: Rating }) {
  if (!rating.count || rating.average === null) {
    return <p class="muted">No reviews yet.</p>;
  }
  const dist = rating.distribution;
  const levels = [5, 4, 3, 2, 1] as const;
  return (
    <div class="rating-summary">
      <div class="rating-average">
        <p class="rating-number"><span class="rating-big">{rating.average.toFixed(1)}</span> <span class="muted">out of 5</span></p>
        <RatingStars value={rating.average} label={`Average ${rating.average.toFixed(1)} out of 5 stars`} />
        <p class="small muted">{plural(rating.count, 'review')}</p>
      </div>
      <table class="rating-bars">
        <caption class="visually-hidden">Reviews by number of stars</caption>
        <tbody>
          {levels.map((n) => {
            const c = dist[String(n) as '1' | '2' | '3' | '4' | '5'] ?? 0;
            const pct = rating.count ? Math.round((c / rating.count) * 100) : 0;
            return (
              <tr key={n}>
                <th scope="row">{n === 1 ? '1 star' : `${n} stars`}</th>
                <td class="bar-cell"><span class="bar" aria-hidden="true"><span class="bar-fill" style={{ width: `${pct}%` }} /></span></td>
                <td class="num">{number(c)} <span class="muted">({pct}%)</span></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ReviewItem({ r }: { r: Review }) {
  return (
    <li class="review">
      <article aria-label={`Review by ${r.author.name}`}>
        <p class="review-head">
          <RatingStars value={r.rating} />
          <span class="review-author">{r.author.name}</span>
          <time class="small muted" dateTime={r.created_at}>{day(r.created_at)}</time>
        </p>
        {r.comment && <p class="review-body pre-line">{r.comment}</p>}
      </article>
    </li>
  );
}

function ReviewList({ slug, tick }: { slug: string; tick: number }) {
  const first = useAsync((signal) => api.get('/api/v1/products/{slug}/reviews', { path: { slug }, signal }), [slug, tick]);
  const [more, setMore] = useState<{ items: Review[]; next: string | null } | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const focusAt = useRef<number | null>(null);
  useEffect(() => setMore(null), [slug, tick]);
  useEffect(() => {
    if (focusAt.current === null) return;
    const li = listRef.current?.children[focusAt.current] as HTMLElement | undefined;
    if (li) { li.tabIndex = -1; li.focus(); }
    focusAt.current = null;
  }, [more]);
  const load = useAction(async (cursor: string) => {
    const page = await api.get('/api/v1/products/{slug}/reviews', { path: { slug }, query: { cursor } });
    focusAt.current = (first.data?.items.length ?? 0) + (more?.items.length ?? 0);
    setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next_cursor ?? null }));
  });
  if (first.error) return <ErrorBox error={first.error} retry={first.reload} />;
  if (!first.data) return <Spinner label="Loading reviews" />;
  const items = [...first.data.items, ...(more?.items ?? [])];
  const next = more ? more.next : first.data.next_cursor ?? null;
  if (items.length === 0) return <p class="muted">Nobody has reviewed this product yet.</p>;
  return (
    <>
      <ul class="review-list" role="list" ref={listRef}>
        {items.map((r) => <ReviewItem key={r.id} r={r} />)}
      </ul>
      <ErrorBox error={load.error} />
      {next && <p class="load-more"><Button kind="secondary" busy={load.busy} onClick={() => void load.run(next)}>Load more reviews</Button></p>}
    </>
  );
}

const STATUS: Record<MyReview['status'], { pill: string; text: string }> = {
  pending: { pill: 'Waiting for moderation', text: 'Your review is waiting for a moderator. It appears on this page once it is approved.' },
  approved: { pill: 'Published', text: 'Your review is published on this page. Editing it sends it back to moderation.' },
  rejected: { pill: 'Not published', text: 'A moderator did not publish your review. You can edit it and send it again.' },
};

const STAR_LABELS = ['1 star', '2 stars', '3 stars', '4 stars', '5 stars'];

function MyReviewForm({ slug, onChanged }: { slug: string; onChanged: () => void }) {
  const mine = useAsync(async (signal) => {
    try {
      return await api.get('/api/v1/products/{slug}/review', { path: { slug }, signal });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null; // none yet
      throw e;
    }
  }, [slug]);
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<'created' | 'updated' | 'deleted' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const doneRef = useRef<HTMLDivElement>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (mine.data) { setRating(mine.data.rating); setComment(mine.data.comment); }
    else if (mine.data === null) { setRating(0); setComment(''); }
  }, [mine.data]);
  useEffect(() => { if (done) doneRef.current?.focus(); }, [done]);
  // focus into the confirmation when it opens, back to its button when kept
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (wasConfirming.current && !done) document.getElementById(`delete-review-${slug}`)?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const save = useAction(async () => {
    const existed = !!mine.data;
    const r = await api.put('/api/v1/products/{slug}/review', { path: { slug }, body: { rating, comment } });
    mine.set(r ?? null);
    setDone(existed ? 'updated' : 'created');
    onChanged();
  });
  const remove = useAction(async () => {
    await api.delete('/api/v1/products/{slug}/review', { path: { slug } });
    setConfirming(false);
    mine.set(null);
    setDone('deleted');
    onChanged();
  });

  if (mine.error) return <ErrorBox error={mine.error} retry={mine.reload} />;
  if (mine.data === undefined) return <Spinner label="Loading your review" />;
  const r = mine.data;
  const err = save.error;
  const ratingErr = err?.fields.rating;
  const commentErr = err?.fields.comment;

  return (
    <div class="my-review">
      <div ref={doneRef} tabIndex={-1} class="my-review-status">
        {done === 'created' && <Notice kind="success"><p><strong>Thanks, your review was submitted.</strong> It is waiting for moderation and will appear on this page once it is approved.</p></Notice>}
        {done === 'updated' && <Notice kind="success"><p><strong>Your review was updated.</strong> It is waiting for moderation again and will appear on this page once it is approved.</p></Notice>}
        {done === 'deleted' && <Notice kind="success"><p>Your review was deleted.</p></Notice>}
      </div>
      {r && !done && (
        <p class="my-review-state">
          <span class={`pill pill-${r.status === 'approved' ? 'published' : r.status === 'pending' ? 'pending' : 'failed'}`}>{STATUS[r.status].pill}</span>{' '}
          <span class="small">{STATUS[r.status].text}</span>
        </p>
      )}
      <form class="review-form" noValidate onSubmit={(e) => { e.preventDefault(); setDone(null); void save.run(); }} aria-labelledby="my-review-h">
        <h4 id="my-review-h" class="visually-hidden">{r ? 'Edit your review' : 'Write a review'}</h4>
        <FormError error={err} shown={['rating', 'comment']} />
        <fieldset class={`star-picker${ratingErr ? ' field-invalid' : ''}`} aria-describedby={ratingErr ? 'my-rating-err' : undefined}>
          <legend>Your rating</legend>
          <div class="star-options">
            {STAR_LABELS.map((label, i) => (
              <label key={label} class="star-option">
                <input type="radio" name={`rating-${slug}`} value={i + 1} checked={rating === i + 1} onChange={() => setRating(i + 1)} required />
                <span aria-hidden="true" class="star-glyphs">{'★'.repeat(i + 1)}</span>
                <span class="star-label">{label}</span>
              </label>
            ))}
          </div>
          {ratingErr && <p class="field-error" id="my-rating-err">{ratingErr}</p>}
        </fieldset>
        <div class={`field${commentErr ? ' field-invalid' : ''}`}>
          <label for="my-review-comment">Your review (optional)</label>
          <textarea id="my-review-comment" name="comment" rows={5} maxLength={5000} value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
            aria-invalid={commentErr ? true : undefined}
            aria-describedby={['my-review-hint', commentErr ? 'my-review-err' : ''].filter(Boolean).join(' ')} />
          <p class="field-hint" id="my-review-hint">What did you like, what could be better? Reviews are checked by a moderator before they appear.</p>
          {commentErr && <p class="field-error" id="my-review-err">{commentErr}</p>}
        </div>
        <p class="actions">
          <Button type="submit" busy={save.busy}>Submit review</Button>
          {r && !confirming && <Button kind="secondary" id={`delete-review-${slug}`} onClick={() => { setConfirming(true); setDone(null); }}>Delete review</Button>}
        </p>
      </form>
      {r && confirming && (
        <div class="notice notice-warning confirm-delete" role="alertdialog" aria-labelledby="confirm-del-h" aria-describedby="confirm-del-text" tabIndex={-1} ref={confirmRef}>
          <p id="confirm-del-h"><strong>Delete your review?</strong></p>
          <p id="confirm-del-text">It is removed from this product for good. You can write a new one later.</p>
          <ErrorBox error={remove.error} />
          <p class="actions">
            <Button kind="danger" busy={remove.busy} onClick={() => void remove.run()}>Yes, delete my review</Button>
            <Button kind="secondary" onClick={() => setConfirming(false)}>Keep my review</Button>
          </p>
        </div>
      )}
    </div>
  );
}

export function Reviews({ slug, owned }: { slug: string; owned: boolean }) {
  const u = user.use();
  const loc = useLocation();
  const [tick, setTick] = useState(0);
  const rating = useAsync((signal) => api.get('/api/v1/products/{slug}/rating', { path: { slug }, signal }), [slug, tick]);
  const changed = () => setTick((t) => t + 1);
  const here = loc.path + (loc.query.toString() ? '?' + loc.query.toString() : '');

  return (
    <section class="reviews" aria-labelledby="reviews-h">
      <h2 id="reviews-h">Ratings and reviews</h2>
      {rating.error ? <ErrorBox error={rating.error} retry={rating.reload} />
        : !rating.data ? <Spinner label="Loading the rating" />
        : <Summary rating={rating.data} />}

      <div class="my-review-box card">
        <h3>Your review</h3>
        {u === undefined ? <Spinner label="Checking your account" />
          : owned && u ? <MyReviewForm slug={slug} onChanged={changed} />
          : (
            <p class="muted">
              Only buyers can review this product.
              {!u && <> If you bought it, <Link href={`/signin?next=${encodeURIComponent(here)}`}>sign in</Link> to write a review.</>}
            </p>
          )}
      </div>

      <h3>What buyers say</h3>
      <ReviewList slug={slug} tick={tick} />
    </section>
  );
}
