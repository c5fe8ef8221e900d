-- One database per deployable that keeps state (docs/architecture: each service owns its data).
-- Roles and their passwords are made by the secret manager's rotation job, not here.
CREATE DATABASE identity;
CREATE DATABASE course;
CREATE DATABASE enrollment;
CREATE DATABASE notifications;
CREATE DATABASE analytics;
CREATE DATABASE payments;
CREATE DATABASE certificates;
