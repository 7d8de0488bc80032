// content.tsx - back office: the Content group (CMS pages, the enquiries
// inbox, the blog, the team, review moderation). The screens live in
// content-*.tsx; this gathers their routes for AdminApp.
import type { AdminRoute } from './types';
import { pageRoutes } from './content-pages';
import { enquiryRoutes } from './content-enquiries';
import { blogRoutes } from './content-blog';
import { teamRoutes } from './content-team';
import { reviewRoutes } from './content-reviews';

export const contentRoutes: AdminRoute[] = [...pageRoutes, ...enquiryRoutes, ...blogRoutes, ...teamRoutes, ...reviewRoutes];
