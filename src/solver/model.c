/* Model helpers shared by every solver variant. */
#include <float.h>
#include <math.h>

#include "solver/solver_impl.h"

static void side_init(side *s, const psw_family *fam) {
  s->fam = fam;
  s->u0 = psw_family_u0(fam);
  s->u1 = psw_family_u1(fam);
  s->M = fam->M;
  s->spread = psw_family_spread(fam);
}

void model_init(model *md, const psw_point *pt) {
  md->pt = pt;
  side_init(&md->F, &pt->cust);
  side_init(&md->G, &pt->prov);
  md->k = pt->a + pt->b;
  md->S = psw_point_scale(pt);
  md->PS = md->S * (md->F.M + md->G.M);
  md->iters = 0;
}

typedef struct phi_target {
  double y;
  const side *s;
} phi_target;

static double phi_resid(double U, void *ctx, double c[3]) {
  const phi_target *t = ctx;
  (void)c;
  return side_phi(t->s, U) - t->y;
}

double side_phi_inv(const side *s, double y, long *iters) {
  if (!isfinite(y)) return y;
  /* phi(U) >= U, so phi^{-1}(y) <= y; expand the lower end until phi(lo) <= y */
  double hi = y, lo = y - s->spread - 1.0;
  for (int i = 0; i < 2100 && side_phi(s, lo) > y; ++i) lo = y - 2.0 * (y - lo);
  if (side_phi(s, hi) == y) return hi;
  if (side_phi(s, lo) == y) return lo;
  phi_target ctx = {y, s};
  long dummy = 0;
  return scan_brent(phi_resid, &ctx, lo, hi, 1e-300, iters ? iters : &dummy);
}

/* e * x with 0 * inf := 0 (a zero coefficient removes an infinite derivative). */
static double mul0(double e, double x) { return e == 0.0 || x == 0.0 ? 0.0 : e * x; }

/* det(I - A) = 1 - e_m F' - e_n G' + (e_m e_n - a b) F'G' and tr A = e_m F' + e_n G',
 * valid also for the infinite one-sided derivative of power with kappa < 1 at u0: there
 * the sign comes from the coefficient of the infinite term (its limit). */
static void det_tr(const psw_point *p, double Fp, double Gp, double *det, double *tr) {
  double K = p->e_m * p->e_n - p->a * p->b;
  *tr = mul0(p->e_m, Fp) + mul0(p->e_n, Gp);
  if (isfinite(Fp) && isfinite(Gp)) {
    *det = (1.0 - p->e_m * Fp) * (1.0 - p->e_n * Gp) - p->a * p->b * Fp * Gp;
    return;
  }
  double lead;
  if (isinf(Fp) && isinf(Gp))
    lead = K != 0.0 ? K : -(p->e_m + p->e_n);
  else if (isinf(Fp))
    lead = -p->e_m + mul0(K, Gp);
  else
    lead = -p->e_n + mul0(K, Fp);
  if (lead != 0.0) {
    *det = lead > 0.0 ? INFINITY : -INFINITY;
  } else { /* the infinite term vanishes: what is left */
    *det = isinf(Fp) ? 1.0 - mul0(p->e_n, Gp) : isinf(Gp) ? 1.0 - mul0(p->e_m, Fp) : 1.0;
  }
}

void model_eq_stability(const model *md, double U, double V, double *det, int8_t *stable) {
  const psw_point *p = md->pt;
  double Fs[2] = {psw_family_Fp_side(md->F.fam, U, -1), psw_family_Fp_side(md->F.fam, U, +1)};
  double Gs[2] = {psw_family_Fp_side(md->G.fam, V, -1), psw_family_Fp_side(md->G.fam, V, +1)};
  /* On a kink one side is flat (0): det uses the interior derivative. */
  double Fi = Fs[0] > Fs[1] ? Fs[0] : Fs[1];
  double Gi = Gs[0] > Gs[1] ? Gs[0] : Gs[1];
  double tr;
  det_tr(p, Fi, Gi, det, &tr);
  int ok = 1;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      double dt;
      det_tr(p, Fs[i], Gs[j], &dt, &tr);
      if (!(dt > 0.0 && tr < 2.0)) ok = 0;
    }
  *stable = (int8_t)ok;
}

void opt_result_invalid(psw_opt_result *r) {
  psw_opt_result_fill(r);
  r->status = PSW_STATUS_INVALID;
  r->iter = 0;
}

void eq_result_invalid(psw_eq_result *r) {
  psw_eq_result_fill(r);
  r->status = PSW_STATUS_INVALID;
  r->count = 0;
  r->iter = 0;
}

void opt_result_finish(const model *md, double U, double V, int side_m, int side_n,
                       psw_opt_result *r) {
  const psw_point *p = md->pt;
  double m = side_m == PSW_SIDE_ZERO ? 0.0 : side_m == PSW_SIDE_CAP ? md->F.M : side_F(&md->F, U);
  double n = side_n == PSW_SIDE_ZERO ? 0.0 : side_n == PSW_SIDE_CAP ? md->G.M : side_F(&md->G, V);
  r->U = U;
  r->V = V;
  r->m = m;
  r->n = n;
  r->f = p->a * n + p->e_m * m - U;
  r->g = p->b * m + p->e_n * n - V;
  r->P = model_profit_UV(md, U, V, m, n);
  r->side_m = (int8_t)side_m;
  r->side_n = (int8_t)side_n;
  r->below_cost_m = (int8_t)(m > 0.0 && r->f < p->c);
  r->below_cost_n = (int8_t)(n > 0.0 && r->g < p->d);
  if (side_m == PSW_SIDE_INTERIOR && side_n == PSW_SIDE_INTERIOR) {
    double Fp, Gp, hF, hG;
    psw_family_eval(md->F.fam, U, NULL, &Fp, &hF, NULL);
    psw_family_eval(md->G.fam, V, NULL, &Gp, &hG, NULL);
    double q1, q2;
    model_A(md, U, &q1);
    model_B(md, V, &q2);
    r->h_m = hF;
    r->h_n = hG;
    r->soc_q1 = q1;
    r->soc_q = q1 * q2 - md->k * md->k * Fp * Gp;
  } else {
    r->h_m = r->h_n = r->soc_q1 = r->soc_q = NAN;
  }
}

void cand_eval(const model *md, cand *c) {
  c->m = c->side_m == PSW_SIDE_ZERO ? 0.0 : c->side_m == PSW_SIDE_CAP ? md->F.M : side_F(&md->F, c->U);
  c->n = c->side_n == PSW_SIDE_ZERO ? 0.0 : c->side_n == PSW_SIDE_CAP ? md->G.M : side_F(&md->G, c->V);
  c->P = model_profit_UV(md, c->U, c->V, c->m, c->n);
  c->local_max = c->strict_max = 0;
  if (c->interior) {
    double Fp, Gp, q1, q2;
    psw_family_eval(md->F.fam, c->U, NULL, &Fp, NULL, NULL);
    psw_family_eval(md->G.fam, c->V, NULL, &Gp, NULL, NULL);
    model_A(md, c->U, &q1);
    model_B(md, c->V, &q2);
    double q = q1 * q2 - md->k * md->k * Fp * Gp;
    c->local_max = q1 > 0.0 && q > 0.0;
    c->strict_max = q1 > 1e-9 && q > 1e-9 * fmax(1.0, fabs(q1 * q2));
  }
}
