// Every page: the menu button and other layout behaviour.
