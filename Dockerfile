# syntax=docker/dockerfile:1
# The vault's production image: compiled JavaScript (not tsx), production dependencies only, a non-root user,
# nothing written outside /run/vault/secrets (mount a volume there: the filesystem can be read-only), a
# HEALTHCHECK on the loopback probe port. Build: docker build -t payment-vault .   (infra/README.md)

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts of dependencies stay off (npm 11's default); nothing is generated from the Prisma schema: the
# vault sends its own SQL over pg, and the image carries only prisma/migrations for the offline migrator.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json tsconfig.browser.json ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY services ./services
RUN npm run build

FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production VAULT_MODE=production SECRET_FILES_DIR=/run/vault/secrets
WORKDIR /app
# Amazon RDS's CA bundle, for DATABASE_URL=…?sslmode=verify-full&sslrootcert=/etc/ssl/certs/rds-global-bundle.pem
ADD --chmod=0444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/services/vault/proto ./services/vault/proto
COPY --from=build /app/services/vault/public ./services/vault/public
COPY --from=build /app/services/vault/src/card-form/card-form.css ./services/vault/src/card-form/card-form.css
COPY --from=build /app/services/vault/src/pay-form/pay-form.css ./services/vault/src/pay-form/pay-form.css
COPY package.json ./
RUN mkdir -p /run/vault/secrets && chown 10001:10001 /run/vault/secrets && chmod 0700 /run/vault/secrets
# Declared, so a platform volume mounted here (ECS's task volume) starts with this owner and mode, not root's.
VOLUME ["/run/vault/secrets"]
USER 10001:10001
EXPOSE 8443 8444 8445
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/services/vault/src/container/probe-health.js"]
ENTRYPOINT ["node", "dist/services/vault/src/container/entrypoint.js"]
CMD ["dist/services/vault/src/main.js"]
