-- One database per service plus the gateway's, owned by POSTGRES_USER (the role running this).
-- The postgres image runs this file only when its data volume is empty.
CREATE DATABASE regions;
CREATE DATABASE dealers;
CREATE DATABASE advisors;
CREATE DATABASE gateway;
