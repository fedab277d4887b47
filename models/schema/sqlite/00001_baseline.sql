-- Migration 1, the baseline: the whole schema as GORM's AutoMigrate made it on SQLite when
-- versioned migrations began (the thirteen AutoMigrate steps before them are folded in; there was
-- no production data to carry over, and their data fixes only mended older rows). Frozen like
-- every merged migration: change the schema in the next numbered file (see models/schema).
--
-- On SQLite: GORM's types (integer, text, numeric for booleans, datetime, blob); SQLite keeps
-- no sizes (the code limits lengths; mysql/ declares them). A string default is written "x", as
-- GORM writes it: SQLite reads a double-quoted word that names no column as a string, and GORM's
-- SQLite migrator, which the schema test runs over this schema, reads only that form. Foreign
-- keys hold because every connection sets foreign_keys=1. Each table's comment is above it; the
-- mysql/ twin of this file makes the same tables, columns, keys and indexes.

-- +goose Up

-- ===============================================================================================
-- Accounts (models/account): companies, users, sessions, mailed links, limits, mail routes, audit.
-- ===============================================================================================

-- A seller company (商家). Name and USCC (统一社会信用代码) are unique; support_* are shown to buyers.
CREATE TABLE `sellers` (
  `id`            integer PRIMARY KEY AUTOINCREMENT,
  `name`          text NOT NULL,
  `uscc`          text,
  `contact_name`  text,
  `contact_email` text,
  `contact_phone` text,
  `support_email` text,
  `support_phone` text,
  `support_hours` text,
  `created_at`    datetime
);
CREATE UNIQUE INDEX `idx_sellers_name` ON `sellers` (`name`);
CREATE UNIQUE INDEX `idx_sellers_uscc` ON `sellers` (`uscc`);

-- An account that can log in: buyer, seller member (seller_id, seller_roles) or admin.
-- locale is the language of its mail (zh, en); auth_version grows with every change of what the
-- account may do, so older sessions get a new id.
CREATE TABLE `users` (
  `id`                integer PRIMARY KEY AUTOINCREMENT,
  `email`             text NOT NULL,
  `name`              text NOT NULL,
  `phone`             text,
  `password_hash`     text NOT NULL,
  `role`              text NOT NULL,
  `seller_id`         integer,
  `seller_roles`      text NOT NULL DEFAULT "",
  `email_verified_at` datetime,
  `locale`            text NOT NULL DEFAULT "zh",
  `auth_version`      integer NOT NULL DEFAULT 1,
  `login_alert_at`    datetime,
  `created_at`        datetime,
  CONSTRAINT `fk_users_seller` FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`)
);
CREATE UNIQUE INDEX `idx_users_email` ON `users` (`email`);
CREATE INDEX `idx_users_role` ON `users` (`role`);
CREATE INDEX `idx_users_seller_id` ON `users` (`seller_id`);

-- A signed-in browser: only the SHA-256 of the cookie's id is kept (token_hash).
CREATE TABLE `sessions` (
  `id`           integer PRIMARY KEY AUTOINCREMENT,
  `token_hash`   text NOT NULL,
  `user_id`      integer NOT NULL,
  `auth_version` integer NOT NULL,
  `ip`           text NOT NULL,
  `user_agent`   text NOT NULL,
  `created_at`   datetime NOT NULL,
  `last_seen_at` datetime NOT NULL,
  `expires_at`   datetime NOT NULL,
  `ended_at`     datetime,
  `end_reason`   text NOT NULL DEFAULT ""
);
CREATE UNIQUE INDEX `idx_sessions_token_hash` ON `sessions` (`token_hash`);
CREATE INDEX `idx_sessions_user_id` ON `sessions` (`user_id`);

-- A single-use mailed link (verify an email, reset a password, a member or admin invitation):
-- only the SHA-256 of its secret is kept.
CREATE TABLE `tokens` (
  `id`            integer PRIMARY KEY AUTOINCREMENT,
  `purpose`       text NOT NULL,
  `token_hash`    text NOT NULL,
  `email`         text NOT NULL,
  `user_id`       integer,
  `seller_id`     integer,
  `roles`         text NOT NULL DEFAULT "",
  `created_by_id` integer,
  `expires_at`    datetime,
  `used_at`       datetime,
  `revoked_at`    datetime,
  `created_at`    datetime,
  CONSTRAINT `fk_tokens_seller` FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`),
  CONSTRAINT `fk_tokens_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`)
);
CREATE INDEX `idx_tokens_email` ON `tokens` (`purpose`, `email`);
CREATE INDEX `idx_tokens_seller_id` ON `tokens` (`seller_id`);
CREATE UNIQUE INDEX `idx_tokens_token_hash` ON `tokens` (`token_hash`);
CREATE INDEX `idx_tokens_user_id` ON `tokens` (`user_id`);

-- One counted attempt (failed login, reset request, sign-up) for limits across processes.
CREATE TABLE `rate_events` (
  `id`         integer PRIMARY KEY AUTOINCREMENT,
  `kind`       text NOT NULL,
  `subject`    text NOT NULL,
  `ip`         text NOT NULL,
  `created_at` datetime NOT NULL
);
CREATE INDEX `idx_rate_events_ip` ON `rate_events` (`kind`, `ip`, `created_at`);
CREATE INDEX `idx_rate_events_subject` ON `rate_events` (`kind`, `subject`, `created_at`);

-- Where a company's mail of one category goes instead of the default addresses.
CREATE TABLE `mail_routes` (
  `id`         integer PRIMARY KEY AUTOINCREMENT,
  `seller_id`  integer NOT NULL,
  `category`   text NOT NULL,
  `emails`     text NOT NULL,
  `updated_at` datetime
);
CREATE UNIQUE INDEX `idx_mail_routes_seller_category` ON `mail_routes` (`seller_id`, `category`);

-- Who decided what about which object, when and why; written with the change itself.
CREATE TABLE `audit_events` (
  `id`          integer PRIMARY KEY AUTOINCREMENT,
  `actor_id`    integer NOT NULL,
  `action`      text NOT NULL,
  `target_type` text NOT NULL,
  `target_id`   integer NOT NULL,
  `detail`      text,
  `reason`      text,
  `created_at`  datetime NOT NULL,
  CONSTRAINT `fk_audit_events_actor` FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_audit_events_action` ON `audit_events` (`action`);
CREATE INDEX `idx_audit_events_actor_id` ON `audit_events` (`actor_id`);
CREATE INDEX `idx_audit_events_created_at` ON `audit_events` (`created_at`);
CREATE INDEX `idx_audit_target` ON `audit_events` (`target_type`, `target_id`);

-- ===============================================================================================
-- Onboarding (models/onboarding): applications to become a seller, and their history.
-- ===============================================================================================

-- A request to become a seller company, or to change its legal identity; the review queue
-- reads (status, submitted_at).
CREATE TABLE `applications` (
  `id`                integer PRIMARY KEY AUTOINCREMENT,
  `kind`              text NOT NULL,
  `applicant_id`      integer NOT NULL,
  `seller_id`         integer,
  `company_name`      text NOT NULL,
  `uscc`              text NOT NULL,
  `license_id`        integer NOT NULL,
  `contact_name`      text NOT NULL,
  `contact_phone`     text NOT NULL,
  `contact_email`     text NOT NULL,
  `support_email`     text NOT NULL,
  `support_phone`     text NOT NULL,
  `support_hours`     text NOT NULL,
  `agreement_version` text NOT NULL,
  `agreed_at`         datetime NOT NULL,
  `status`            text NOT NULL,
  `note`              text NOT NULL DEFAULT "",
  `reviewer_id`       integer,
  `decided_at`        datetime,
  `submitted_at`      datetime NOT NULL,
  `created_at`        datetime,
  `updated_at`        datetime,
  CONSTRAINT `fk_applications_applicant` FOREIGN KEY (`applicant_id`) REFERENCES `users`(`id`)
);
CREATE INDEX `idx_applications_applicant_id` ON `applications` (`applicant_id`);
CREATE INDEX `idx_applications_company_name` ON `applications` (`company_name`);
CREATE INDEX `idx_applications_queue` ON `applications` (`status`, `submitted_at`);
CREATE INDEX `idx_applications_seller_id` ON `applications` (`seller_id`);
CREATE INDEX `idx_applications_uscc` ON `applications` (`uscc`);

-- One step of an application's history.
CREATE TABLE `application_events` (
  `id`             integer PRIMARY KEY AUTOINCREMENT,
  `application_id` integer NOT NULL,
  `actor_id`       integer NOT NULL,
  `action`         text NOT NULL,
  `note`           text NOT NULL DEFAULT "",
  `created_at`     datetime NOT NULL,
  CONSTRAINT `fk_application_events_actor` FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`)
);
CREATE INDEX `idx_application_events_application_id` ON `application_events` (`application_id`);

-- ===============================================================================================
-- Notices (models/notice): the mail outbox and in-site messages.
-- ===============================================================================================

-- The mail outbox: written with the change it reports; mailers claim due rows by
-- (status, next_attempt_at).
CREATE TABLE `mails` (
  `id`              integer PRIMARY KEY AUTOINCREMENT,
  `to`              text NOT NULL,
  `subject`         text NOT NULL,
  `body`            text NOT NULL,
  `status`          text NOT NULL,
  `attempts`        integer NOT NULL DEFAULT 0,
  `next_attempt_at` datetime NOT NULL,
  `last_error`      text,
  `sent_at`         datetime,
  `created_at`      datetime
);
CREATE INDEX `idx_mails_due` ON `mails` (`status`, `next_attempt_at`);

-- An in-site message (站内信) for one user (user_id) or every member of a company (seller_id).
CREATE TABLE `notices` (
  `id`         integer PRIMARY KEY AUTOINCREMENT,
  `user_id`    integer,
  `seller_id`  integer,
  `kind`       text NOT NULL,
  `text`       text NOT NULL,
  `link`       text,
  `read`       numeric NOT NULL DEFAULT false,
  `created_at` datetime
);
CREATE INDEX `idx_notices_seller_id` ON `notices` (`seller_id`);
CREATE INDEX `idx_notices_user_id` ON `notices` (`user_id`);

-- ===============================================================================================
-- Attachments (models/attachment): uploaded files.
-- ===============================================================================================

-- An attachment's bytes, apart from its description so that lists never load them.
CREATE TABLE `blobs` (
  `id`   integer PRIMARY KEY AUTOINCREMENT,
  `data` blob NOT NULL
);

-- An uploaded file's description; owner_kind and owner_id name what it belongs to.
CREATE TABLE `attachments` (
  `id`            integer PRIMARY KEY AUTOINCREMENT,
  `owner_kind`    text NOT NULL,
  `owner_id`      integer NOT NULL,
  `uploader_id`   integer NOT NULL,
  `uploader_role` text NOT NULL,
  `file_name`     text NOT NULL,
  `content_type`  text NOT NULL,
  `size`          integer NOT NULL,
  `sha256`        text NOT NULL,
  `blob_id`       integer NOT NULL,
  `created_at`    datetime NOT NULL
);
CREATE UNIQUE INDEX `idx_attachments_blob_id` ON `attachments` (`blob_id`);
CREATE INDEX `idx_attachments_owner` ON `attachments` (`owner_kind`, `owner_id`);
CREATE INDEX `idx_attachments_uploader_id` ON `attachments` (`uploader_id`);

-- ===============================================================================================
-- Catalog: products, their specs and versions, favorites.
-- ===============================================================================================

-- Something a seller offers. Prices are in fen; version is the live product_versions.number;
-- address_id and path are where the platform calls the seller for it.
CREATE TABLE `products` (
  `id`             integer PRIMARY KEY AUTOINCREMENT,
  `seller_id`      integer NOT NULL,
  `code`           text NOT NULL,
  `name`           text NOT NULL,
  `summary`        text,
  `description`    text,
  `type`           text NOT NULL,
  `charging_mode`  text NOT NULL,
  `supervised`     numeric NOT NULL DEFAULT false,
  `code_kind`      text,
  `deployable`     numeric NOT NULL DEFAULT false,
  `sale_status`    text NOT NULL,
  `price_month`    integer NOT NULL DEFAULT 0,
  `price_year`     integer NOT NULL DEFAULT 0,
  `price_once`     integer NOT NULL DEFAULT 0,
  `price_hour`     integer NOT NULL DEFAULT 0,
  `trial_days`     integer NOT NULL DEFAULT 0,
  `version`        integer NOT NULL DEFAULT 1,
  `address_id`     integer,
  `path`           text NOT NULL DEFAULT "",
  `deploy_package` text NOT NULL DEFAULT "",
  `deploy_port`    integer NOT NULL DEFAULT 0,
  `security_rules` text,
  `ext_params`     text,
  `sale_reason`    text,
  `created_at`     datetime,
  `updated_at`     datetime,
  CONSTRAINT `fk_products_seller` FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_products_address_id` ON `products` (`address_id`);
CREATE UNIQUE INDEX `idx_products_code` ON `products` (`code`);
CREATE INDEX `idx_products_sale_type` ON `products` (`sale_status`, `type`);
CREATE INDEX `idx_products_seller_id` ON `products` (`seller_id`);

-- A specification (规格) of a periodic product with its own prices, ranked low to high.
CREATE TABLE `product_specs` (
  `id`          integer PRIMARY KEY AUTOINCREMENT,
  `product_id`  integer NOT NULL,
  `code`        text NOT NULL,
  `name`        text NOT NULL,
  `spec_rank`   integer NOT NULL,
  `price_month` integer NOT NULL DEFAULT 0,
  `price_year`  integer NOT NULL DEFAULT 0,
  `created_at`  datetime,
  CONSTRAINT `fk_product_specs_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE CASCADE
);
CREATE UNIQUE INDEX `idx_product_specs_code` ON `product_specs` (`product_id`, `code`);
CREATE UNIQUE INDEX `idx_product_specs_rank` ON `product_specs` (`product_id`, `spec_rank`);

-- One edition of a product's content (JSON): draft, under review, rejected or approved.
CREATE TABLE `product_versions` (
  `id`            integer PRIMARY KEY AUTOINCREMENT,
  `product_id`    integer NOT NULL,
  `number`        integer NOT NULL,
  `status`        text NOT NULL,
  `content`       text NOT NULL,
  `reject_reason` text,
  `rev`           integer NOT NULL DEFAULT 1,
  `submit_key`    text,
  `case_report`   text,
  `submitted_at`  datetime,
  `decided_at`    datetime,
  `decided_by_id` integer,
  `created_at`    datetime,
  `updated_at`    datetime,
  CONSTRAINT `fk_product_versions_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE CASCADE
);
CREATE INDEX `idx_product_versions_status` ON `product_versions` (`status`);
CREATE UNIQUE INDEX `idx_product_versions_submit_key` ON `product_versions` (`submit_key`);
CREATE UNIQUE INDEX `idx_versions_product_number` ON `product_versions` (`product_id`, `number`);

-- A product a buyer keeps for later (我的收藏).
CREATE TABLE `favorites` (
  `id`         integer PRIMARY KEY AUTOINCREMENT,
  `user_id`    integer NOT NULL,
  `product_id` integer NOT NULL,
  `created_at` datetime,
  CONSTRAINT `fk_favorites_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE CASCADE
);
CREATE INDEX `idx_favorites_product_id` ON `favorites` (`product_id`);
CREATE UNIQUE INDEX `idx_favorites_user_product` ON `favorites` (`user_id`, `product_id`);

-- ===============================================================================================
-- Orders and purchased services.
-- ===============================================================================================

-- One purchase, renewal, trial, change or unsubscription; amounts in fen. submit_key
-- ("<buyer id>:<form key>") makes a resubmitted form find its order. The last three indexes are
-- settlement's: a seller's period by (seller_id, created_at), statements from a covering index,
-- unpaid credit bills by (pay_method, repayment).
CREATE TABLE `orders` (
  `id`                  integer PRIMARY KEY AUTOINCREMENT,
  `order_no`            text NOT NULL,
  `line_no`             text NOT NULL,
  `buyer_id`            integer NOT NULL,
  `seller_id`           integer NOT NULL,
  `product_id`          integer NOT NULL,
  `product_version`     integer NOT NULL DEFAULT 1,
  `product_name`        text NOT NULL,
  `instance_id`         integer,
  `type`                text NOT NULL,
  `charging_mode`       text NOT NULL,
  `plan`                text NOT NULL,
  `period_count`        integer NOT NULL DEFAULT 0,
  `amount_fen`          integer NOT NULL,
  `paid_fen`            integer NOT NULL,
  `pay_method`          text NOT NULL,
  `repayment`           text,
  `status`              text NOT NULL,
  `parent_order_id`     integer,
  `effective_at`        datetime,
  `expire_at`           datetime,
  `paid_at`             datetime,
  `submit_key`          text,
  `ext_values`          text,
  `created_at`          datetime NOT NULL,
  `supervision_status`  text,
  `settlement_excluded` numeric NOT NULL DEFAULT false,
  `spec_id`             integer,
  `from_spec_id`        integer,
  CONSTRAINT `fk_orders_buyer` FOREIGN KEY (`buyer_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_orders_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_orders_buyer` ON `orders` (`buyer_id`);
CREATE INDEX `idx_orders_instance_id` ON `orders` (`instance_id`);
CREATE UNIQUE INDEX `idx_orders_line_no` ON `orders` (`line_no`);
CREATE UNIQUE INDEX `idx_orders_order_no` ON `orders` (`order_no`);
CREATE INDEX `idx_orders_parent_order_id` ON `orders` (`parent_order_id`);
CREATE INDEX `idx_orders_product_id` ON `orders` (`product_id`);
CREATE INDEX `idx_orders_seller` ON `orders` (`seller_id`);
CREATE INDEX `idx_orders_spec_id` ON `orders` (`spec_id`);
CREATE UNIQUE INDEX `idx_orders_submit_key` ON `orders` (`submit_key`);
CREATE INDEX `idx_orders_seller_created` ON `orders` (`seller_id`, `created_at`);
CREATE INDEX `idx_orders_seller_billing` ON `orders` (`seller_id`, `paid_at`, `product_id`, `paid_fen`, `status`, `type`);
CREATE INDEX `idx_orders_credit_bill` ON `orders` (`pay_method`, `repayment`, `buyer_id`, `paid_at`);

-- A purchased service (已购买的服务): one per order that opened it.
CREATE TABLE `instances` (
  `id`                 integer PRIMARY KEY AUTOINCREMENT,
  `buyer_id`           integer NOT NULL,
  `seller_id`          integer NOT NULL,
  `product_id`         integer NOT NULL,
  `order_id`           integer NOT NULL,
  `seller_instance_id` text,
  `status`             text NOT NULL,
  `charging_mode`      text NOT NULL,
  `trial`              numeric NOT NULL DEFAULT false,
  `effective_at`       datetime,
  `expire_at`          datetime,
  `encrypt_type`       text,
  `app_info`           text,
  `spec_id`            integer,
  `change_order_id`    integer,
  `created_at`         datetime,
  `updated_at`         datetime,
  CONSTRAINT `fk_instances_order` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_instances_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_instances_buyer` ON `instances` (`buyer_id`);
CREATE UNIQUE INDEX `idx_instances_order_id` ON `instances` (`order_id`);
CREATE INDEX `idx_instances_product_id` ON `instances` (`product_id`);
CREATE INDEX `idx_instances_seller_id` ON `instances` (`seller_id`);
CREATE INDEX `idx_instances_seller_instance_id` ON `instances` (`seller_instance_id`);
CREATE INDEX `idx_instances_spec_id` ON `instances` (`spec_id`);

-- ===============================================================================================
-- The seller toolkit: keys, production addresses, bindings, debugging cases, notification configs.
-- ===============================================================================================

-- A seller's signing key (密钥), sealed with the master key; hint tells keys apart.
CREATE TABLE `access_keys` (
  `id`             integer PRIMARY KEY AUTOINCREMENT,
  `seller_id`      integer NOT NULL,
  `key_id`         text NOT NULL,
  `name`           text,
  `sealed`         blob NOT NULL,
  `hint`           text NOT NULL,
  `interface_type` text NOT NULL DEFAULT "",
  `created_at`     datetime
);
CREATE UNIQUE INDEX `idx_access_keys_key_id` ON `access_keys` (`key_id`);
CREATE INDEX `idx_access_keys_seller_id` ON `access_keys` (`seller_id`);

-- A seller's production endpoint (生产地址): scheme and host, certified before use.
CREATE TABLE `production_addresses` (
  `id`           integer PRIMARY KEY AUTOINCREMENT,
  `seller_id`    integer NOT NULL,
  `url`          text NOT NULL,
  `status`       text NOT NULL,
  `certified_at` datetime,
  `checked_at`   datetime,
  `report`       text,
  `created_at`   datetime,
  `updated_at`   datetime
);
CREATE UNIQUE INDEX `idx_addresses_seller_url` ON `production_addresses` (`seller_id`, `url`);

-- The key a certified address uses for one interface type.
CREATE TABLE `key_bindings` (
  `id`             integer PRIMARY KEY AUTOINCREMENT,
  `address_id`     integer NOT NULL,
  `interface_type` text NOT NULL,
  `access_key_id`  integer NOT NULL,
  `created_at`     datetime,
  `updated_at`     datetime,
  CONSTRAINT `fk_key_bindings_address` FOREIGN KEY (`address_id`) REFERENCES `production_addresses`(`id`) ON DELETE CASCADE,
  CONSTRAINT `fk_key_bindings_access_key` FOREIGN KEY (`access_key_id`) REFERENCES `access_keys`(`id`) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX `idx_bindings_address_type` ON `key_bindings` (`address_id`, `interface_type`);
CREATE INDEX `idx_key_bindings_access_key_id` ON `key_bindings` (`access_key_id`);

-- A saved debugging call (调试用例): one per address, path and scenario.
CREATE TABLE `debug_cases` (
  `id`         integer PRIMARY KEY AUTOINCREMENT,
  `seller_id`  integer NOT NULL,
  `address_id` integer NOT NULL,
  `path`       text NOT NULL DEFAULT "",
  `kind`       text NOT NULL,
  `scenario`   text NOT NULL,
  `params`     text NOT NULL,
  `status`     text NOT NULL,
  `report`     text,
  `run_at`     datetime,
  `created_at` datetime,
  `updated_at` datetime,
  CONSTRAINT `fk_debug_cases_address` FOREIGN KEY (`address_id`) REFERENCES `production_addresses`(`id`) ON DELETE CASCADE
);
CREATE UNIQUE INDEX `idx_cases_addr_path_scenario` ON `debug_cases` (`address_id`, `path`, `scenario`);
CREATE INDEX `idx_debug_cases_seller_id` ON `debug_cases` (`seller_id`);

-- Where orderNotify goes for one scope (an access type or a product).
CREATE TABLE `notify_configs` (
  `id`         integer PRIMARY KEY AUTOINCREMENT,
  `seller_id`  integer NOT NULL,
  `scope`      text NOT NULL,
  `type`       text NOT NULL DEFAULT "",
  `product_id` integer,
  `address_id` integer NOT NULL,
  `path`       text NOT NULL DEFAULT "",
  `created_at` datetime,
  `updated_at` datetime,
  CONSTRAINT `fk_notify_configs_address` FOREIGN KEY (`address_id`) REFERENCES `production_addresses`(`id`) ON DELETE CASCADE,
  CONSTRAINT `fk_notify_configs_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE CASCADE
);
CREATE INDEX `idx_notify_configs_address_id` ON `notify_configs` (`address_id`);
CREATE INDEX `idx_notify_configs_product_id` ON `notify_configs` (`product_id`);
CREATE UNIQUE INDEX `idx_notify_seller_scope` ON `notify_configs` (`seller_id`, `scope`);

-- ===============================================================================================
-- The call outbox: calls to sellers' production interfaces and every attempt.
-- ===============================================================================================

-- The durable outbox of calls to sellers, written with the change that causes them;
-- dispatchers claim due rows by (status, next_attempt_at) and lease them (claim_token, claimed_until).
CREATE TABLE `interface_calls` (
  `id`               integer PRIMARY KEY AUTOINCREMENT,
  `seller_id`        integer NOT NULL,
  `product_id`       integer NOT NULL,
  `order_id`         integer,
  `instance_id`      integer,
  `activity`         text NOT NULL,
  `scene`            text,
  `interface`        text NOT NULL,
  `address_id`       integer,
  `path`             text NOT NULL DEFAULT "",
  `body`             text NOT NULL,
  `poll`             text,
  `status`           text NOT NULL,
  `attempts`         integer NOT NULL DEFAULT 0,
  `next_attempt_at`  datetime NOT NULL,
  `deadline`         datetime NOT NULL,
  `retry_every`      integer NOT NULL,
  `claim_token`      text,
  `claimed_until`    datetime,
  `last_result_code` text,
  `last_error`       text,
  `last_status_code` integer,
  `last_latency_ms`  integer,
  `replay_of`        integer,
  `completed_at`     datetime,
  `created_at`       datetime NOT NULL,
  `updated_at`       datetime,
  CONSTRAINT `fk_interface_calls_order` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_interface_calls_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_calls_due` ON `interface_calls` (`status`, `next_attempt_at`);
CREATE INDEX `idx_calls_seller` ON `interface_calls` (`seller_id`);
CREATE INDEX `idx_interface_calls_address_id` ON `interface_calls` (`address_id`);
CREATE INDEX `idx_interface_calls_created_at` ON `interface_calls` (`created_at`);
CREATE INDEX `idx_interface_calls_instance_id` ON `interface_calls` (`instance_id`);
CREATE INDEX `idx_interface_calls_order_id` ON `interface_calls` (`order_id`);
CREATE INDEX `idx_interface_calls_product_id` ON `interface_calls` (`product_id`);
CREATE INDEX `idx_interface_calls_replay_of` ON `interface_calls` (`replay_of`);

-- One delivery attempt of a call: the exact request and response.
CREATE TABLE `call_attempts` (
  `id`            integer PRIMARY KEY AUTOINCREMENT,
  `call_id`       integer NOT NULL,
  `n`             integer NOT NULL,
  `url`           text NOT NULL,
  `request_body`  text NOT NULL,
  `status_code`   integer NOT NULL DEFAULT 0,
  `response_body` text,
  `result_code`   text,
  `error_kind`    text,
  `error`         text,
  `latency_ms`    integer NOT NULL DEFAULT 0,
  `started_at`    datetime NOT NULL
);
CREATE UNIQUE INDEX `idx_attempts_call_n` ON `call_attempts` (`call_id`, `n`);

-- ===============================================================================================
-- Refunds: requests and the money returned.
-- ===============================================================================================

-- A buyer's request to unsubscribe and get money back (退订申请), and the decision.
-- open_key is the service's id while the request is pending, NULL after: one open request per service.
CREATE TABLE `refund_requests` (
  `id`            integer PRIMARY KEY AUTOINCREMENT,
  `order_id`      integer NOT NULL,
  `instance_id`   integer NOT NULL,
  `buyer_id`      integer NOT NULL,
  `seller_id`     integer NOT NULL,
  `product_id`    integer NOT NULL,
  `kind`          text NOT NULL,
  `status`        text NOT NULL,
  `amount_fen`    integer NOT NULL,
  `max_fen`       integer NOT NULL,
  `cause`         text NOT NULL,
  `text`          text,
  `share_contact` numeric NOT NULL DEFAULT false,
  `goods`         text,
  `opinion`       text,
  `decided_by`    integer,
  `decided_at`    datetime,
  `submit_key`    text,
  `open_key`      integer,
  `created_at`    datetime NOT NULL,
  `updated_at`    datetime,
  CONSTRAINT `fk_refund_requests_order` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_refund_requests_instance` FOREIGN KEY (`instance_id`) REFERENCES `instances`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_refund_requests_buyer` FOREIGN KEY (`buyer_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_refund_requests_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_refund_requests_buyer` ON `refund_requests` (`buyer_id`);
CREATE INDEX `idx_refund_requests_instance_id` ON `refund_requests` (`instance_id`);
CREATE UNIQUE INDEX `idx_refund_requests_open_key` ON `refund_requests` (`open_key`);
CREATE INDEX `idx_refund_requests_order_id` ON `refund_requests` (`order_id`);
CREATE INDEX `idx_refund_requests_product_id` ON `refund_requests` (`product_id`);
CREATE INDEX `idx_refund_requests_seller` ON `refund_requests` (`seller_id`, `status`);
CREATE UNIQUE INDEX `idx_refund_requests_submit_key` ON `refund_requests` (`submit_key`);

-- Money returned to a buyer: one per order and reason.
CREATE TABLE `refunds` (
  `id`         integer PRIMARY KEY AUTOINCREMENT,
  `order_id`   integer NOT NULL,
  `reason`     text NOT NULL,
  `buyer_id`   integer NOT NULL,
  `seller_id`  integer NOT NULL,
  `amount_fen` integer NOT NULL,
  `method`     text NOT NULL,
  `request_id` integer,
  `created_at` datetime
);
CREATE INDEX `idx_refunds_buyer_id` ON `refunds` (`buyer_id`);
CREATE UNIQUE INDEX `idx_refunds_order_reason` ON `refunds` (`order_id`, `reason`);
CREATE INDEX `idx_refunds_request_id` ON `refunds` (`request_id`);
CREATE INDEX `idx_refunds_seller_id` ON `refunds` (`seller_id`);

-- ===============================================================================================
-- Supervision (监管) of delivered services, its timeline, appeals.
-- ===============================================================================================

-- The supervised delivery of one order; system_code is the platform's identification code.
CREATE TABLE `supervisions` (
  `id`                integer PRIMARY KEY AUTOINCREMENT,
  `order_id`          integer NOT NULL,
  `buyer_id`          integer NOT NULL,
  `seller_id`         integer NOT NULL,
  `product_id`        integer NOT NULL,
  `product_type`      text NOT NULL,
  `code_kind`         text,
  `step`              text NOT NULL,
  `frozen`            numeric NOT NULL DEFAULT false,
  `requirements`      text,
  `system_code`       text,
  `hardware_code`     text,
  `code_submitted_at` datetime,
  `logistics`         text,
  `delivered_at`      datetime,
  `shipped_at`        datetime,
  `signed_at`         datetime,
  `auto_accept_at`    datetime,
  `actual_start_at`   datetime,
  `accepted_at`       datetime,
  `complete_at`       datetime,
  `completed_at`      datetime,
  `rejections`        integer NOT NULL DEFAULT 0,
  `created_at`        datetime,
  `updated_at`        datetime,
  CONSTRAINT `fk_supervisions_order` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_supervisions_product` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_supervisions_auto_accept_at` ON `supervisions` (`auto_accept_at`);
CREATE INDEX `idx_supervisions_buyer` ON `supervisions` (`buyer_id`);
CREATE INDEX `idx_supervisions_complete_at` ON `supervisions` (`complete_at`);
CREATE UNIQUE INDEX `idx_supervisions_order_id` ON `supervisions` (`order_id`);
CREATE INDEX `idx_supervisions_product_id` ON `supervisions` (`product_id`);
CREATE INDEX `idx_supervisions_seller` ON `supervisions` (`seller_id`);
CREATE INDEX `idx_supervisions_step` ON `supervisions` (`step`);
CREATE UNIQUE INDEX `idx_supervisions_system_code` ON `supervisions` (`system_code`);

-- One line of a supervision's timeline.
CREATE TABLE `supervision_events` (
  `id`             integer PRIMARY KEY AUTOINCREMENT,
  `supervision_id` integer NOT NULL,
  `actor_id`       integer,
  `actor_role`     text NOT NULL,
  `action`         text NOT NULL,
  `from_step`      text,
  `to_step`        text,
  `text`           text,
  `created_at`     datetime NOT NULL,
  CONSTRAINT `fk_supervision_events_actor` FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_supervision_events_supervision_id` ON `supervision_events` (`supervision_id`);

-- An appeal (申诉) on a supervision; open_key is the supervision's id while undecided: one open
-- appeal per supervision.
CREATE TABLE `appeals` (
  `id`              integer PRIMARY KEY AUTOINCREMENT,
  `supervision_id`  integer NOT NULL,
  `order_id`        integer NOT NULL,
  `buyer_id`        integer NOT NULL,
  `seller_id`       integer NOT NULL,
  `by_id`           integer NOT NULL,
  `by_role`         text NOT NULL,
  `step`            text NOT NULL,
  `reason`          text NOT NULL,
  `demand`          text,
  `status`          text NOT NULL,
  `outcome`         text,
  `refund_fen`      integer NOT NULL DEFAULT 0,
  `decision_reason` text,
  `decided_by`      integer,
  `decided_at`      datetime,
  `open_key`        integer,
  `created_at`      datetime,
  `updated_at`      datetime,
  CONSTRAINT `fk_appeals_supervision` FOREIGN KEY (`supervision_id`) REFERENCES `supervisions`(`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_appeals_by` FOREIGN KEY (`by_id`) REFERENCES `users`(`id`) ON DELETE RESTRICT
);
CREATE INDEX `idx_appeals_buyer_id` ON `appeals` (`buyer_id`);
CREATE UNIQUE INDEX `idx_appeals_open_key` ON `appeals` (`open_key`);
CREATE INDEX `idx_appeals_order_id` ON `appeals` (`order_id`);
CREATE INDEX `idx_appeals_seller_id` ON `appeals` (`seller_id`);
CREATE INDEX `idx_appeals_status` ON `appeals` (`status`);
CREATE INDEX `idx_appeals_supervision_id` ON `appeals` (`supervision_id`);

-- ===============================================================================================
-- Online License applications.
-- ===============================================================================================

-- One online License application (getLicenseAsync): event_id always stands for the same
-- License; active_key keeps one live application per service and device.
CREATE TABLE `license_applications` (
  `id`                 integer PRIMARY KEY AUTOINCREMENT,
  `instance_id`        integer NOT NULL,
  `buyer_id`           integer NOT NULL,
  `seller_id`          integer NOT NULL,
  `product_id`         integer NOT NULL,
  `event_id`           text NOT NULL,
  `device_fingerprint` text NOT NULL,
  `effective_time`     datetime,
  `expire_time`        datetime,
  `status`             text NOT NULL,
  `license_type`       text,
  `characters`         text,
  `file_name`          text,
  `file_sha256`        text,
  `file_size`          integer NOT NULL DEFAULT 0,
  `file_data`          blob,
  `call_id`            integer,
  `submit_key`         text,
  `active_key`         text,
  `created_at`         datetime,
  `issued_at`          datetime
);
CREATE UNIQUE INDEX `idx_license_applications_active_key` ON `license_applications` (`active_key`);
CREATE INDEX `idx_license_applications_buyer_id` ON `license_applications` (`buyer_id`);
CREATE INDEX `idx_license_applications_call_id` ON `license_applications` (`call_id`);
CREATE UNIQUE INDEX `idx_license_applications_event_id` ON `license_applications` (`event_id`);
CREATE INDEX `idx_license_applications_product_id` ON `license_applications` (`product_id`);
CREATE INDEX `idx_license_applications_seller_id` ON `license_applications` (`seller_id`);
CREATE UNIQUE INDEX `idx_license_applications_submit_key` ON `license_applications` (`submit_key`);
CREATE INDEX `idx_licenses_instance` ON `license_applications` (`instance_id`);

-- ===============================================================================================
-- One-click deployment.
-- ===============================================================================================

-- A buyer's consent that the marketplace acts in their cloud account.
CREATE TABLE `deploy_delegations` (
  `id`             integer PRIMARY KEY AUTOINCREMENT,
  `buyer_id`       integer NOT NULL,
  `policy_version` integer NOT NULL,
  `granted_at`     datetime,
  `revoked_at`     datetime
);
CREATE UNIQUE INDEX `idx_deploy_delegations_buyer_id` ON `deploy_delegations` (`buyer_id`);

-- One deployment of a License service onto a buyer's ECS instance; active_service_id is the
-- service while starting or running, NULL after: one live deployment per service.
CREATE TABLE `deployments` (
  `id`                integer PRIMARY KEY AUTOINCREMENT,
  `buyer_id`          integer NOT NULL,
  `service_id`        integer NOT NULL,
  `product_id`        integer NOT NULL,
  `active_service_id` integer,
  `submit_key`        text,
  `region`            text NOT NULL,
  `ecs_id`            text NOT NULL,
  `ecs_name`          text,
  `ecs_os`            text,
  `vpc_id`            text,
  `vpc_name`          text,
  `subnet_id`         text,
  `subnet_name`       text,
  `sg_mode`           text NOT NULL,
  `sg_id`             text,
  `sg_name`           text,
  `package`           text,
  `operation_id`      text,
  `status`            text NOT NULL,
  `step_index`        integer NOT NULL DEFAULT 0,
  `error_key`         text,
  `runs`              integer NOT NULL DEFAULT 1,
  `access_url`        text,
  `access_ssh`        text,
  `lease_until`       datetime,
  `finished_at`       datetime,
  `created_at`        datetime,
  `updated_at`        datetime
);
CREATE UNIQUE INDEX `idx_deployments_active_service_id` ON `deployments` (`active_service_id`);
CREATE INDEX `idx_deployments_buyer` ON `deployments` (`buyer_id`, `service_id`);
CREATE INDEX `idx_deployments_status` ON `deployments` (`status`);
CREATE UNIQUE INDEX `idx_deployments_submit_key` ON `deployments` (`submit_key`);

-- One line of a deployment's history: a step started, ended or failed.
CREATE TABLE `deployment_events` (
  `id`            integer PRIMARY KEY AUTOINCREMENT,
  `deployment_id` integer NOT NULL,
  `step`          text,
  `kind`          text NOT NULL,
  `error_key`     text,
  `at`            datetime
);
CREATE INDEX `idx_deployment_events_deployment_id` ON `deployment_events` (`deployment_id`);
