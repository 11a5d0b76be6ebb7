import { Router } from 'express';
import { serviceActorOf } from '../http/request-context.ts';
import { param, type Guard } from '../http/route-kit.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import type { PaymentSettingsService } from './payment-settings-service.ts';

export function paymentSettingsRoutes(settings: PaymentSettingsService, guard: Guard): Router {
  const router = Router();
  router.put('/v1/tenants/:tid/payment-settings', guard(OPERATIONS['payment_settings.set_tenant']), async (req, res) => {
    res.json(await settings.setTenant(serviceActorOf(res), param(req, 'tid'), req.body));
  });
  router.put('/v1/tenants/:tid/groups/:gid/payment-settings', guard(OPERATIONS['payment_settings.set_group']), async (req, res) => {
    res.json(await settings.setGroup(serviceActorOf(res), param(req, 'tid'), param(req, 'gid'), req.body));
  });
  router.get('/v1/tenants/:tid/groups/:gid/payment-settings', guard(OPERATIONS['payment_settings.get']), async (req, res) => {
    res.json(await settings.effective(serviceActorOf(res), param(req, 'tid'), param(req, 'gid')));
  });
  return router;
}
