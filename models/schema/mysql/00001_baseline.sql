-- Migration 1, the baseline: the whole schema as GORM's AutoMigrate made it on MySQL/MariaDB when
-- versioned migrations began (the thirteen AutoMigrate steps before them are folded in; there was
-- no production data to carry over, and their data fixes only mended older rows). Frozen like
-- every merged migration: change the schema in the next numbered file (see models/schema).
--
-- On MySQL: every table is InnoDB, utf8mb4, utf8mb4_unicode_ci. Times are datetime(3), in UTC
-- (the connection sets loc=UTC); booleans tinyint(1); amounts bigint fen. InnoDB adds, as it did
-- under GORM, an index named after each foreign key whose columns start no other index
-- (fk_appeals_by, fk_application_events_actor, fk_supervision_events_actor, fk_tokens_created_by).
-- MySQL commits each CREATE at once: if this file fails halfway, drop and create the database.
-- Tables come in the order their foreign keys need. Each table's comment is above it; the
-- sqlite/ twin of this file makes the same tables, columns, keys and indexes.

-- +goose Up

-- ===============================================================================================
-- Accounts (models/account): companies, users, sessions, mailed links, limits, mail routes, audit.
-- ===============================================================================================

-- A seller company (商家). Name and USCC (统一社会信用代码) are unique; support_* are shown to buyers.
CREATE TABLE `sellers` (
  `id`            bigint unsigned NOT NULL AUTO_INCREMENT,
  `name`          varchar(100) NOT NULL,
  `uscc`          varchar(18),
  `contact_name`  varchar(100),
  `contact_email` varchar(190),
  `contact_phone` varchar(40),
  `support_email` varchar(190),
  `support_phone` varchar(40),
  `support_hours` varchar(100),
  `created_at`    datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_sellers_name` (`name`),
  UNIQUE KEY `idx_sellers_uscc` (`uscc`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An account that can log in: buyer, seller member (seller_id, seller_roles) or admin.
-- locale is the language of its mail (zh, en); auth_version grows with every change of what the
-- account may do, so older sessions get a new id.
CREATE TABLE `users` (
  `id`                bigint unsigned NOT NULL AUTO_INCREMENT,
  `email`             varchar(190) NOT NULL,
  `name`              varchar(100) NOT NULL,
  `phone`             varchar(40),
  `password_hash`     varchar(100) NOT NULL,
  `role`              varchar(16) NOT NULL,
  `seller_id`         bigint unsigned,
  `seller_roles`      varchar(64) NOT NULL DEFAULT '',
  `email_verified_at` datetime(3),
  `locale`            varchar(5) NOT NULL DEFAULT 'zh',
  `auth_version`      bigint NOT NULL DEFAULT 1,
  `login_alert_at`    datetime(3),
  `created_at`        datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_users_email` (`email`),
  KEY `idx_users_role` (`role`),
  KEY `idx_users_seller_id` (`seller_id`),
  CONSTRAINT `fk_users_seller` FOREIGN KEY (`seller_id`) REFERENCES `sellers` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A signed-in browser: only the SHA-256 of the cookie's id is kept (token_hash).
CREATE TABLE `sessions` (
  `id`           bigint unsigned NOT NULL AUTO_INCREMENT,
  `token_hash`   varchar(64) NOT NULL,
  `user_id`      bigint unsigned NOT NULL,
  `auth_version` bigint NOT NULL,
  `ip`           varchar(64) NOT NULL,
  `user_agent`   varchar(255) NOT NULL,
  `created_at`   datetime(3) NOT NULL,
  `last_seen_at` datetime(3) NOT NULL,
  `expires_at`   datetime(3) NOT NULL,
  `ended_at`     datetime(3),
  `end_reason`   varchar(16) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_sessions_token_hash` (`token_hash`),
  KEY `idx_sessions_user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A single-use mailed link (verify an email, reset a password, a member or admin invitation):
-- only the SHA-256 of its secret is kept.
CREATE TABLE `tokens` (
  `id`            bigint unsigned NOT NULL AUTO_INCREMENT,
  `purpose`       varchar(16) NOT NULL,
  `token_hash`    varchar(64) NOT NULL,
  `email`         varchar(190) NOT NULL,
  `user_id`       bigint unsigned,
  `seller_id`     bigint unsigned,
  `roles`         varchar(64) NOT NULL DEFAULT '',
  `created_by_id` bigint unsigned,
  `expires_at`    datetime(3),
  `used_at`       datetime(3),
  `revoked_at`    datetime(3),
  `created_at`    datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_tokens_token_hash` (`token_hash`),
  KEY `idx_tokens_email` (`purpose`, `email`),
  KEY `idx_tokens_user_id` (`user_id`),
  KEY `idx_tokens_seller_id` (`seller_id`),
  CONSTRAINT `fk_tokens_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`),
  CONSTRAINT `fk_tokens_seller` FOREIGN KEY (`seller_id`) REFERENCES `sellers` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One counted attempt (failed login, reset request, sign-up) for limits across processes.
CREATE TABLE `rate_events` (
  `id`         bigint unsigned NOT NULL AUTO_INCREMENT,
  `kind`       varchar(16) NOT NULL,
  `subject`    varchar(190) NOT NULL,
  `ip`         varchar(64) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_rate_events_subject` (`kind`, `subject`, `created_at`),
  KEY `idx_rate_events_ip` (`kind`, `ip`, `created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where a company's mail of one category goes instead of the default addresses.
CREATE TABLE `mail_routes` (
  `id`         bigint unsigned NOT NULL AUTO_INCREMENT,
  `seller_id`  bigint unsigned NOT NULL,
  `category`   varchar(20) NOT NULL,
  `emails`     varchar(1000) NOT NULL,
  `updated_at` datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_mail_routes_seller_category` (`seller_id`, `category`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who decided what about which object, when and why; written with the change itself.
CREATE TABLE `audit_events` (
  `id`          bigint unsigned NOT NULL AUTO_INCREMENT,
  `actor_id`    bigint unsigned NOT NULL,
  `action`      varchar(40) NOT NULL,
  `target_type` varchar(40) NOT NULL,
  `target_id`   bigint unsigned NOT NULL,
  `detail`      varchar(200),
  `reason`      varchar(500),
  `created_at`  datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_audit_events_actor_id` (`actor_id`),
  KEY `idx_audit_events_action` (`action`),
  KEY `idx_audit_target` (`target_type`, `target_id`),
  KEY `idx_audit_events_created_at` (`created_at`),
  CONSTRAINT `fk_audit_events_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Onboarding (models/onboarding): applications to become a seller, and their history.
-- ===============================================================================================

-- A request to become a seller company, or to change its legal identity; the review queue
-- reads (status, submitted_at).
CREATE TABLE `applications` (
  `id`                bigint unsigned NOT NULL AUTO_INCREMENT,
  `kind`              varchar(10) NOT NULL,
  `applicant_id`      bigint unsigned NOT NULL,
  `seller_id`         bigint unsigned,
  `company_name`      varchar(100) NOT NULL,
  `uscc`              varchar(18) NOT NULL,
  `license_id`        bigint unsigned NOT NULL,
  `contact_name`      varchar(50) NOT NULL,
  `contact_phone`     varchar(20) NOT NULL,
  `contact_email`     varchar(190) NOT NULL,
  `support_email`     varchar(190) NOT NULL,
  `support_phone`     varchar(20) NOT NULL,
  `support_hours`     varchar(50) NOT NULL,
  `agreement_version` varchar(20) NOT NULL,
  `agreed_at`         datetime(3) NOT NULL,
  `status`            varchar(12) NOT NULL,
  `note`              varchar(500) NOT NULL DEFAULT '',
  `reviewer_id`       bigint unsigned,
  `decided_at`        datetime(3),
  `submitted_at`      datetime(3) NOT NULL,
  `created_at`        datetime(3),
  `updated_at`        datetime(3),
  PRIMARY KEY (`id`),
  KEY `idx_applications_applicant_id` (`applicant_id`),
  KEY `idx_applications_seller_id` (`seller_id`),
  KEY `idx_applications_company_name` (`company_name`),
  KEY `idx_applications_uscc` (`uscc`),
  KEY `idx_applications_queue` (`status`, `submitted_at`),
  CONSTRAINT `fk_applications_applicant` FOREIGN KEY (`applicant_id`) REFERENCES `users` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One step of an application's history.
CREATE TABLE `application_events` (
  `id`             bigint unsigned NOT NULL AUTO_INCREMENT,
  `application_id` bigint unsigned NOT NULL,
  `actor_id`       bigint unsigned NOT NULL,
  `action`         varchar(20) NOT NULL,
  `note`           varchar(500) NOT NULL DEFAULT '',
  `created_at`     datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_application_events_application_id` (`application_id`),
  CONSTRAINT `fk_application_events_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Notices (models/notice): the mail outbox and in-site messages.
-- ===============================================================================================

-- The mail outbox: written with the change it reports; mailers claim due rows by
-- (status, next_attempt_at).
CREATE TABLE `mails` (
  `id`              bigint unsigned NOT NULL AUTO_INCREMENT,
  `to`              varchar(190) NOT NULL,
  `subject`         varchar(200) NOT NULL,
  `body`            text NOT NULL,
  `status`          varchar(10) NOT NULL,
  `attempts`        bigint NOT NULL DEFAULT 0,
  `next_attempt_at` datetime(3) NOT NULL,
  `last_error`      varchar(500),
  `sent_at`         datetime(3),
  `created_at`      datetime(3),
  PRIMARY KEY (`id`),
  KEY `idx_mails_due` (`status`, `next_attempt_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An in-site message (站内信) for one user (user_id) or every member of a company (seller_id).
CREATE TABLE `notices` (
  `id`         bigint unsigned NOT NULL AUTO_INCREMENT,
  `user_id`    bigint unsigned,
  `seller_id`  bigint unsigned,
  `kind`       varchar(40) NOT NULL,
  `text`       varchar(1000) NOT NULL,
  `link`       varchar(200),
  `read`       tinyint(1) NOT NULL DEFAULT 0,
  `created_at` datetime(3),
  PRIMARY KEY (`id`),
  KEY `idx_notices_user_id` (`user_id`),
  KEY `idx_notices_seller_id` (`seller_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Attachments (models/attachment): uploaded files.
-- ===============================================================================================

-- An attachment's bytes, apart from its description so that lists never load them.
CREATE TABLE `blobs` (
  `id`   bigint unsigned NOT NULL AUTO_INCREMENT,
  `data` mediumblob NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An uploaded file's description; owner_kind and owner_id name what it belongs to.
CREATE TABLE `attachments` (
  `id`            bigint unsigned NOT NULL AUTO_INCREMENT,
  `owner_kind`    varchar(24) NOT NULL,
  `owner_id`      bigint unsigned NOT NULL,
  `uploader_id`   bigint unsigned NOT NULL,
  `uploader_role` varchar(16) NOT NULL,
  `file_name`     varchar(255) NOT NULL,
  `content_type`  varchar(100) NOT NULL,
  `size`          bigint NOT NULL,
  `sha256`        varchar(64) NOT NULL,
  `blob_id`       bigint unsigned NOT NULL,
  `created_at`    datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_attachments_blob_id` (`blob_id`),
  KEY `idx_attachments_owner` (`owner_kind`, `owner_id`),
  KEY `idx_attachments_uploader_id` (`uploader_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Catalog: products, their specs and versions, favorites.
-- ===============================================================================================

-- Something a seller offers. Prices are in fen; version is the live product_versions.number;
-- address_id and path are where the platform calls the seller for it.
CREATE TABLE `products` (
  `id`             bigint unsigned NOT NULL AUTO_INCREMENT,
  `seller_id`      bigint unsigned NOT NULL,
  `code`           varchar(40) NOT NULL,
  `name`           varchar(120) NOT NULL,
  `summary`        varchar(500),
  `description`    text,
  `type`           varchar(32) NOT NULL,
  `charging_mode`  varchar(16) NOT NULL,
  `supervised`     tinyint(1) NOT NULL DEFAULT 0,
  `code_kind`      varchar(16),
  `deployable`     tinyint(1) NOT NULL DEFAULT 0,
  `sale_status`    varchar(16) NOT NULL,
  `price_month`    bigint NOT NULL DEFAULT 0,
  `price_year`     bigint NOT NULL DEFAULT 0,
  `price_once`     bigint NOT NULL DEFAULT 0,
  `price_hour`     bigint NOT NULL DEFAULT 0,
  `trial_days`     bigint NOT NULL DEFAULT 0,
  `version`        bigint NOT NULL DEFAULT 1,
  `address_id`     bigint unsigned,
  `path`           varchar(200) NOT NULL DEFAULT '',
  `deploy_package` varchar(200) NOT NULL DEFAULT '',
  `deploy_port`    bigint NOT NULL DEFAULT 0,
  `security_rules` text,
  `ext_params`     text,
  `sale_reason`    varchar(500),
  `created_at`     datetime(3),
  `updated_at`     datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_products_code` (`code`),
  KEY `idx_products_seller_id` (`seller_id`),
  KEY `idx_products_sale_type` (`sale_status`, `type`),
  KEY `idx_products_address_id` (`address_id`),
  CONSTRAINT `fk_products_seller` FOREIGN KEY (`seller_id`) REFERENCES `sellers` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A specification (规格) of a periodic product with its own prices, ranked low to high.
CREATE TABLE `product_specs` (
  `id`          bigint unsigned NOT NULL AUTO_INCREMENT,
  `product_id`  bigint unsigned NOT NULL,
  `code`        varchar(40) NOT NULL,
  `name`        varchar(60) NOT NULL,
  `spec_rank`   bigint NOT NULL,
  `price_month` bigint NOT NULL DEFAULT 0,
  `price_year`  bigint NOT NULL DEFAULT 0,
  `created_at`  datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_product_specs_code` (`product_id`, `code`),
  UNIQUE KEY `idx_product_specs_rank` (`product_id`, `spec_rank`),
  CONSTRAINT `fk_product_specs_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One edition of a product's content (JSON): draft, under review, rejected or approved.
CREATE TABLE `product_versions` (
  `id`            bigint unsigned NOT NULL AUTO_INCREMENT,
  `product_id`    bigint unsigned NOT NULL,
  `number`        bigint NOT NULL,
  `status`        varchar(16) NOT NULL,
  `content`       text NOT NULL,
  `reject_reason` varchar(500),
  `rev`           bigint NOT NULL DEFAULT 1,
  `submit_key`    varchar(64),
  `case_report`   text,
  `submitted_at`  datetime(3),
  `decided_at`    datetime(3),
  `decided_by_id` bigint unsigned,
  `created_at`    datetime(3),
  `updated_at`    datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_versions_product_number` (`product_id`, `number`),
  UNIQUE KEY `idx_product_versions_submit_key` (`submit_key`),
  KEY `idx_product_versions_status` (`status`),
  CONSTRAINT `fk_product_versions_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A product a buyer keeps for later (我的收藏).
CREATE TABLE `favorites` (
  `id`         bigint unsigned NOT NULL AUTO_INCREMENT,
  `user_id`    bigint unsigned NOT NULL,
  `product_id` bigint unsigned NOT NULL,
  `created_at` datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_favorites_user_product` (`user_id`, `product_id`),
  KEY `idx_favorites_product_id` (`product_id`),
  CONSTRAINT `fk_favorites_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Orders and purchased services.
-- ===============================================================================================

-- One purchase, renewal, trial, change or unsubscription; amounts in fen. submit_key
-- ("<buyer id>:<form key>") makes a resubmitted form find its order. The last three indexes are
-- settlement's: a seller's period by (seller_id, created_at), statements from a covering index,
-- unpaid credit bills by (pay_method, repayment).
CREATE TABLE `orders` (
  `id`                  bigint unsigned NOT NULL AUTO_INCREMENT,
  `order_no`            varchar(40) NOT NULL,
  `line_no`             varchar(48) NOT NULL,
  `buyer_id`            bigint unsigned NOT NULL,
  `seller_id`           bigint unsigned NOT NULL,
  `product_id`          bigint unsigned NOT NULL,
  `product_version`     bigint NOT NULL DEFAULT 1,
  `product_name`        varchar(120) NOT NULL,
  `instance_id`         bigint unsigned,
  `type`                varchar(20) NOT NULL,
  `charging_mode`       varchar(16) NOT NULL,
  `plan`                varchar(10) NOT NULL,
  `period_count`        bigint NOT NULL DEFAULT 0,
  `amount_fen`          bigint NOT NULL,
  `paid_fen`            bigint NOT NULL,
  `pay_method`          varchar(10) NOT NULL,
  `repayment`           varchar(10),
  `status`              varchar(20) NOT NULL,
  `parent_order_id`     bigint unsigned,
  `effective_at`        datetime(3),
  `expire_at`           datetime(3),
  `paid_at`             datetime(3),
  `submit_key`          varchar(64),
  `ext_values`          text,
  `created_at`          datetime(3) NOT NULL,
  `supervision_status`  varchar(16),
  `settlement_excluded` tinyint(1) NOT NULL DEFAULT 0,
  `spec_id`             bigint unsigned,
  `from_spec_id`        bigint unsigned,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_orders_order_no` (`order_no`),
  UNIQUE KEY `idx_orders_line_no` (`line_no`),
  UNIQUE KEY `idx_orders_submit_key` (`submit_key`),
  KEY `idx_orders_buyer` (`buyer_id`),
  KEY `idx_orders_seller` (`seller_id`),
  KEY `idx_orders_product_id` (`product_id`),
  KEY `idx_orders_instance_id` (`instance_id`),
  KEY `idx_orders_parent_order_id` (`parent_order_id`),
  KEY `idx_orders_spec_id` (`spec_id`),
  KEY `idx_orders_seller_created` (`seller_id`, `created_at`),
  KEY `idx_orders_seller_billing` (`seller_id`, `paid_at`, `product_id`, `paid_fen`, `status`, `type`),
  KEY `idx_orders_credit_bill` (`pay_method`, `repayment`, `buyer_id`, `paid_at`),
  CONSTRAINT `fk_orders_buyer` FOREIGN KEY (`buyer_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_orders_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A purchased service (已购买的服务): one per order that opened it.
CREATE TABLE `instances` (
  `id`                 bigint unsigned NOT NULL AUTO_INCREMENT,
  `buyer_id`           bigint unsigned NOT NULL,
  `seller_id`          bigint unsigned NOT NULL,
  `product_id`         bigint unsigned NOT NULL,
  `order_id`           bigint unsigned NOT NULL,
  `seller_instance_id` varchar(64),
  `status`             varchar(16) NOT NULL,
  `charging_mode`      varchar(16) NOT NULL,
  `trial`              tinyint(1) NOT NULL DEFAULT 0,
  `effective_at`       datetime(3),
  `expire_at`          datetime(3),
  `encrypt_type`       varchar(2),
  `app_info`           text,
  `spec_id`            bigint unsigned,
  `change_order_id`    bigint unsigned,
  `created_at`         datetime(3),
  `updated_at`         datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_instances_order_id` (`order_id`),
  KEY `idx_instances_buyer` (`buyer_id`),
  KEY `idx_instances_seller_id` (`seller_id`),
  KEY `idx_instances_product_id` (`product_id`),
  KEY `idx_instances_seller_instance_id` (`seller_instance_id`),
  KEY `idx_instances_spec_id` (`spec_id`),
  CONSTRAINT `fk_instances_order` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_instances_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- The seller toolkit: keys, production addresses, bindings, debugging cases, notification configs.
-- ===============================================================================================

-- A seller's signing key (密钥), sealed with the master key; hint tells keys apart.
CREATE TABLE `access_keys` (
  `id`             bigint unsigned NOT NULL AUTO_INCREMENT,
  `seller_id`      bigint unsigned NOT NULL,
  `key_id`         varchar(40) NOT NULL,
  `name`           varchar(60),
  `sealed`         longblob NOT NULL,
  `hint`           varchar(8) NOT NULL,
  `interface_type` varchar(20) NOT NULL DEFAULT '',
  `created_at`     datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_access_keys_key_id` (`key_id`),
  KEY `idx_access_keys_seller_id` (`seller_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A seller's production endpoint (生产地址): scheme and host, certified before use.
CREATE TABLE `production_addresses` (
  `id`           bigint unsigned NOT NULL AUTO_INCREMENT,
  `seller_id`    bigint unsigned NOT NULL,
  `url`          varchar(255) NOT NULL,
  `status`       varchar(16) NOT NULL,
  `certified_at` datetime(3),
  `checked_at`   datetime(3),
  `report`       text,
  `created_at`   datetime(3),
  `updated_at`   datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_addresses_seller_url` (`seller_id`, `url`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The key a certified address uses for one interface type.
CREATE TABLE `key_bindings` (
  `id`             bigint unsigned NOT NULL AUTO_INCREMENT,
  `address_id`     bigint unsigned NOT NULL,
  `interface_type` varchar(20) NOT NULL,
  `access_key_id`  bigint unsigned NOT NULL,
  `created_at`     datetime(3),
  `updated_at`     datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_bindings_address_type` (`address_id`, `interface_type`),
  KEY `idx_key_bindings_access_key_id` (`access_key_id`),
  CONSTRAINT `fk_key_bindings_access_key` FOREIGN KEY (`access_key_id`) REFERENCES `access_keys` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_key_bindings_address` FOREIGN KEY (`address_id`) REFERENCES `production_addresses` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A saved debugging call (调试用例): one per address, path and scenario.
CREATE TABLE `debug_cases` (
  `id`         bigint unsigned NOT NULL AUTO_INCREMENT,
  `seller_id`  bigint unsigned NOT NULL,
  `address_id` bigint unsigned NOT NULL,
  `path`       varchar(200) NOT NULL DEFAULT '',
  `kind`       varchar(20) NOT NULL,
  `scenario`   varchar(60) NOT NULL,
  `params`     text NOT NULL,
  `status`     varchar(10) NOT NULL,
  `report`     text,
  `run_at`     datetime(3),
  `created_at` datetime(3),
  `updated_at` datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_cases_addr_path_scenario` (`address_id`, `path`, `scenario`),
  KEY `idx_debug_cases_seller_id` (`seller_id`),
  CONSTRAINT `fk_debug_cases_address` FOREIGN KEY (`address_id`) REFERENCES `production_addresses` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where orderNotify goes for one scope (an access type or a product).
CREATE TABLE `notify_configs` (
  `id`         bigint unsigned NOT NULL AUTO_INCREMENT,
  `seller_id`  bigint unsigned NOT NULL,
  `scope`      varchar(40) NOT NULL,
  `type`       varchar(32) NOT NULL DEFAULT '',
  `product_id` bigint unsigned,
  `address_id` bigint unsigned NOT NULL,
  `path`       varchar(200) NOT NULL DEFAULT '',
  `created_at` datetime(3),
  `updated_at` datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_notify_seller_scope` (`seller_id`, `scope`),
  KEY `idx_notify_configs_product_id` (`product_id`),
  KEY `idx_notify_configs_address_id` (`address_id`),
  CONSTRAINT `fk_notify_configs_address` FOREIGN KEY (`address_id`) REFERENCES `production_addresses` (`id`) ON DELETE CASCADE,
  CONSTRAINT `fk_notify_configs_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- The call outbox: calls to sellers' production interfaces and every attempt.
-- ===============================================================================================

-- The durable outbox of calls to sellers, written with the change that causes them;
-- dispatchers claim due rows by (status, next_attempt_at) and lease them (claim_token, claimed_until).
CREATE TABLE `interface_calls` (
  `id`               bigint unsigned NOT NULL AUTO_INCREMENT,
  `seller_id`        bigint unsigned NOT NULL,
  `product_id`       bigint unsigned NOT NULL,
  `order_id`         bigint unsigned,
  `instance_id`      bigint unsigned,
  `activity`         varchar(32) NOT NULL,
  `scene`            varchar(32),
  `interface`        varchar(20) NOT NULL,
  `address_id`       bigint unsigned,
  `path`             varchar(200) NOT NULL DEFAULT '',
  `body`             text NOT NULL,
  `poll`             text,
  `status`           varchar(16) NOT NULL,
  `attempts`         bigint NOT NULL DEFAULT 0,
  `next_attempt_at`  datetime(3) NOT NULL,
  `deadline`         datetime(3) NOT NULL,
  `retry_every`      bigint NOT NULL,
  `claim_token`      varchar(40),
  `claimed_until`    datetime(3),
  `last_result_code` varchar(8),
  `last_error`       varchar(500),
  `last_status_code` bigint,
  `last_latency_ms`  bigint,
  `replay_of`        bigint unsigned,
  `completed_at`     datetime(3),
  `created_at`       datetime(3) NOT NULL,
  `updated_at`       datetime(3),
  PRIMARY KEY (`id`),
  KEY `idx_calls_seller` (`seller_id`),
  KEY `idx_interface_calls_product_id` (`product_id`),
  KEY `idx_interface_calls_order_id` (`order_id`),
  KEY `idx_interface_calls_instance_id` (`instance_id`),
  KEY `idx_interface_calls_address_id` (`address_id`),
  KEY `idx_calls_due` (`status`, `next_attempt_at`),
  KEY `idx_interface_calls_replay_of` (`replay_of`),
  KEY `idx_interface_calls_created_at` (`created_at`),
  CONSTRAINT `fk_interface_calls_order` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_interface_calls_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One delivery attempt of a call: the exact request and response.
CREATE TABLE `call_attempts` (
  `id`            bigint unsigned NOT NULL AUTO_INCREMENT,
  `call_id`       bigint unsigned NOT NULL,
  `n`             bigint NOT NULL,
  `url`           text NOT NULL,
  `request_body`  text NOT NULL,
  `status_code`   bigint NOT NULL DEFAULT 0,
  `response_body` text,
  `result_code`   varchar(8),
  `error_kind`    varchar(20),
  `error`         varchar(500),
  `latency_ms`    bigint NOT NULL DEFAULT 0,
  `started_at`    datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_attempts_call_n` (`call_id`, `n`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Refunds: requests and the money returned.
-- ===============================================================================================

-- A buyer's request to unsubscribe and get money back (退订申请), and the decision.
-- open_key is the service's id while the request is pending, NULL after: one open request per service.
CREATE TABLE `refund_requests` (
  `id`            bigint unsigned NOT NULL AUTO_INCREMENT,
  `order_id`      bigint unsigned NOT NULL,
  `instance_id`   bigint unsigned NOT NULL,
  `buyer_id`      bigint unsigned NOT NULL,
  `seller_id`     bigint unsigned NOT NULL,
  `product_id`    bigint unsigned NOT NULL,
  `kind`          varchar(16) NOT NULL,
  `status`        varchar(16) NOT NULL,
  `amount_fen`    bigint NOT NULL,
  `max_fen`       bigint NOT NULL,
  `cause`         varchar(24) NOT NULL,
  `text`          varchar(500),
  `share_contact` tinyint(1) NOT NULL DEFAULT 0,
  `goods`         varchar(16),
  `opinion`       varchar(500),
  `decided_by`    bigint unsigned,
  `decided_at`    datetime(3),
  `submit_key`    varchar(64),
  `open_key`      bigint unsigned,
  `created_at`    datetime(3) NOT NULL,
  `updated_at`    datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_refund_requests_submit_key` (`submit_key`),
  UNIQUE KEY `idx_refund_requests_open_key` (`open_key`),
  KEY `idx_refund_requests_order_id` (`order_id`),
  KEY `idx_refund_requests_instance_id` (`instance_id`),
  KEY `idx_refund_requests_buyer` (`buyer_id`),
  KEY `idx_refund_requests_seller` (`seller_id`, `status`),
  KEY `idx_refund_requests_product_id` (`product_id`),
  CONSTRAINT `fk_refund_requests_buyer` FOREIGN KEY (`buyer_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_refund_requests_instance` FOREIGN KEY (`instance_id`) REFERENCES `instances` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_refund_requests_order` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_refund_requests_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Money returned to a buyer: one per order and reason.
CREATE TABLE `refunds` (
  `id`         bigint unsigned NOT NULL AUTO_INCREMENT,
  `order_id`   bigint unsigned NOT NULL,
  `reason`     varchar(20) NOT NULL,
  `buyer_id`   bigint unsigned NOT NULL,
  `seller_id`  bigint unsigned NOT NULL,
  `amount_fen` bigint NOT NULL,
  `method`     varchar(10) NOT NULL,
  `request_id` bigint unsigned,
  `created_at` datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_refunds_order_reason` (`order_id`, `reason`),
  KEY `idx_refunds_buyer_id` (`buyer_id`),
  KEY `idx_refunds_seller_id` (`seller_id`),
  KEY `idx_refunds_request_id` (`request_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Supervision (监管) of delivered services, its timeline, appeals.
-- ===============================================================================================

-- The supervised delivery of one order; system_code is the platform's identification code.
CREATE TABLE `supervisions` (
  `id`                bigint unsigned NOT NULL AUTO_INCREMENT,
  `order_id`          bigint unsigned NOT NULL,
  `buyer_id`          bigint unsigned NOT NULL,
  `seller_id`         bigint unsigned NOT NULL,
  `product_id`        bigint unsigned NOT NULL,
  `product_type`      varchar(32) NOT NULL,
  `code_kind`         varchar(16),
  `step`              varchar(20) NOT NULL,
  `frozen`            tinyint(1) NOT NULL DEFAULT 0,
  `requirements`      text,
  `system_code`       varchar(40),
  `hardware_code`     text,
  `code_submitted_at` datetime(3),
  `logistics`         varchar(200),
  `delivered_at`      datetime(3),
  `shipped_at`        datetime(3),
  `signed_at`         datetime(3),
  `auto_accept_at`    datetime(3),
  `actual_start_at`   datetime(3),
  `accepted_at`       datetime(3),
  `complete_at`       datetime(3),
  `completed_at`      datetime(3),
  `rejections`        bigint NOT NULL DEFAULT 0,
  `created_at`        datetime(3),
  `updated_at`        datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_supervisions_order_id` (`order_id`),
  UNIQUE KEY `idx_supervisions_system_code` (`system_code`),
  KEY `idx_supervisions_buyer` (`buyer_id`),
  KEY `idx_supervisions_seller` (`seller_id`),
  KEY `idx_supervisions_product_id` (`product_id`),
  KEY `idx_supervisions_step` (`step`),
  KEY `idx_supervisions_auto_accept_at` (`auto_accept_at`),
  KEY `idx_supervisions_complete_at` (`complete_at`),
  CONSTRAINT `fk_supervisions_order` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_supervisions_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One line of a supervision's timeline.
CREATE TABLE `supervision_events` (
  `id`             bigint unsigned NOT NULL AUTO_INCREMENT,
  `supervision_id` bigint unsigned NOT NULL,
  `actor_id`       bigint unsigned,
  `actor_role`     varchar(16) NOT NULL,
  `action`         varchar(32) NOT NULL,
  `from_step`      varchar(20),
  `to_step`        varchar(20),
  `text`           text,
  `created_at`     datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_supervision_events_supervision_id` (`supervision_id`),
  CONSTRAINT `fk_supervision_events_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An appeal (申诉) on a supervision; open_key is the supervision's id while undecided: one open
-- appeal per supervision.
CREATE TABLE `appeals` (
  `id`              bigint unsigned NOT NULL AUTO_INCREMENT,
  `supervision_id`  bigint unsigned NOT NULL,
  `order_id`        bigint unsigned NOT NULL,
  `buyer_id`        bigint unsigned NOT NULL,
  `seller_id`       bigint unsigned NOT NULL,
  `by_id`           bigint unsigned NOT NULL,
  `by_role`         varchar(16) NOT NULL,
  `step`            varchar(20) NOT NULL,
  `reason`          text NOT NULL,
  `demand`          text,
  `status`          varchar(16) NOT NULL,
  `outcome`         varchar(16),
  `refund_fen`      bigint NOT NULL DEFAULT 0,
  `decision_reason` text,
  `decided_by`      bigint unsigned,
  `decided_at`      datetime(3),
  `open_key`        bigint unsigned,
  `created_at`      datetime(3),
  `updated_at`      datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_appeals_open_key` (`open_key`),
  KEY `idx_appeals_supervision_id` (`supervision_id`),
  KEY `idx_appeals_order_id` (`order_id`),
  KEY `idx_appeals_buyer_id` (`buyer_id`),
  KEY `idx_appeals_seller_id` (`seller_id`),
  KEY `idx_appeals_status` (`status`),
  CONSTRAINT `fk_appeals_by` FOREIGN KEY (`by_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT,
  CONSTRAINT `fk_appeals_supervision` FOREIGN KEY (`supervision_id`) REFERENCES `supervisions` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- Online License applications.
-- ===============================================================================================

-- One online License application (getLicenseAsync): event_id always stands for the same
-- License; active_key keeps one live application per service and device.
CREATE TABLE `license_applications` (
  `id`                 bigint unsigned NOT NULL AUTO_INCREMENT,
  `instance_id`        bigint unsigned NOT NULL,
  `buyer_id`           bigint unsigned NOT NULL,
  `seller_id`          bigint unsigned NOT NULL,
  `product_id`         bigint unsigned NOT NULL,
  `event_id`           varchar(64) NOT NULL,
  `device_fingerprint` varchar(1024) NOT NULL,
  `effective_time`     datetime(3),
  `expire_time`        datetime(3),
  `status`             varchar(16) NOT NULL,
  `license_type`       varchar(16),
  `characters`         varchar(1024),
  `file_name`          varchar(255),
  `file_sha256`        varchar(64),
  `file_size`          bigint NOT NULL DEFAULT 0,
  `file_data`          mediumblob,
  `call_id`            bigint unsigned,
  `submit_key`         varchar(64),
  `active_key`         varchar(80),
  `created_at`         datetime(3),
  `issued_at`          datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_license_applications_event_id` (`event_id`),
  UNIQUE KEY `idx_license_applications_submit_key` (`submit_key`),
  UNIQUE KEY `idx_license_applications_active_key` (`active_key`),
  KEY `idx_licenses_instance` (`instance_id`),
  KEY `idx_license_applications_buyer_id` (`buyer_id`),
  KEY `idx_license_applications_seller_id` (`seller_id`),
  KEY `idx_license_applications_product_id` (`product_id`),
  KEY `idx_license_applications_call_id` (`call_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ===============================================================================================
-- One-click deployment.
-- ===============================================================================================

-- A buyer's consent that the marketplace acts in their cloud account.
CREATE TABLE `deploy_delegations` (
  `id`             bigint unsigned NOT NULL AUTO_INCREMENT,
  `buyer_id`       bigint unsigned NOT NULL,
  `policy_version` bigint NOT NULL,
  `granted_at`     datetime(3),
  `revoked_at`     datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_deploy_delegations_buyer_id` (`buyer_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One deployment of a License service onto a buyer's ECS instance; active_service_id is the
-- service while starting or running, NULL after: one live deployment per service.
CREATE TABLE `deployments` (
  `id`                bigint unsigned NOT NULL AUTO_INCREMENT,
  `buyer_id`          bigint unsigned NOT NULL,
  `service_id`        bigint unsigned NOT NULL,
  `product_id`        bigint unsigned NOT NULL,
  `active_service_id` bigint unsigned,
  `submit_key`        varchar(64),
  `region`            varchar(40) NOT NULL,
  `ecs_id`            varchar(64) NOT NULL,
  `ecs_name`          varchar(100),
  `ecs_os`            varchar(100),
  `vpc_id`            varchar(64),
  `vpc_name`          varchar(100),
  `subnet_id`         varchar(64),
  `subnet_name`       varchar(100),
  `sg_mode`           varchar(16) NOT NULL,
  `sg_id`             varchar(64),
  `sg_name`           varchar(100),
  `package`           varchar(100),
  `operation_id`      varchar(64),
  `status`            varchar(16) NOT NULL,
  `step_index`        bigint NOT NULL DEFAULT 0,
  `error_key`         varchar(64),
  `runs`              bigint NOT NULL DEFAULT 1,
  `access_url`        varchar(200),
  `access_ssh`        varchar(200),
  `lease_until`       datetime(3),
  `finished_at`       datetime(3),
  `created_at`        datetime(3),
  `updated_at`        datetime(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `idx_deployments_active_service_id` (`active_service_id`),
  UNIQUE KEY `idx_deployments_submit_key` (`submit_key`),
  KEY `idx_deployments_buyer` (`buyer_id`, `service_id`),
  KEY `idx_deployments_status` (`status`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One line of a deployment's history: a step started, ended or failed.
CREATE TABLE `deployment_events` (
  `id`            bigint unsigned NOT NULL AUTO_INCREMENT,
  `deployment_id` bigint unsigned NOT NULL,
  `step`          varchar(20),
  `kind`          varchar(16) NOT NULL,
  `error_key`     varchar(64),
  `at`            datetime(3),
  PRIMARY KEY (`id`),
  KEY `idx_deployment_events_deployment_id` (`deployment_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
